# Multi-stage build of the gateway. Config and data are volumes; the process runs as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish proxy/LlmGateway.csproj -c Release -o /app --no-self-contained

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /srv
COPY --from=build /app /app
COPY config/gateway.json /srv/config/gateway.json
RUN mkdir -p /srv/data && chown -R app:app /srv
USER app
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Gateway__Storage__Path=/srv/data
VOLUME ["/srv/config", "/srv/data"]
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/LlmGateway.dll"]
