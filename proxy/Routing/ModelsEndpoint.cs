using System.Text.Json;
using LlmGateway.Auth;
using LlmGateway.Gateway;

namespace LlmGateway.Routing;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>, answered from config (only what the team may use).</summary>
internal static class ModelsEndpoint
{
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/models", List);
        endpoints.MapGet("/v1/models/{**id}", Get);
        return endpoints;
    }

    private static Task List(HttpContext context, GatewayConfigStore config)
    {
        var team = context.Features.GetRequiredFeature<TeamIdentity>();
        var routing = config.Current.Routing;
        var names = routing.ClientNames
            .Where(name => routing.TryResolve(name, out var route) && team.MayUse(name, route.Name))
            .Order(StringComparer.Ordinal);
        return WriteJsonAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var name in names)
            {
                routing.TryResolve(name, out var route);
                WriteModel(json, name, route);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static Task Get(HttpContext context, string id, GatewayConfigStore config)
    {
        var team = context.Features.GetRequiredFeature<TeamIdentity>();
        if (!config.Current.Routing.TryResolve(id, out var route) || !team.MayUse(id, route.Name))
        {
            return OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound,
                $"The model '{id}' does not exist or you do not have access to it.", OpenAiError.InvalidRequest, "model", "model_not_found");
        }
        return WriteJsonAsync(context, json => WriteModel(json, id, route));
    }

    private static void WriteModel(Utf8JsonWriter json, string name, ModelRoute route)
    {
        json.WriteStartObject();
        json.WriteString("id", name);
        json.WriteString("object", "model");
        json.WriteNumber("created", 0);
        json.WriteString("owned_by", route.Primary.Provider.Name);
        json.WriteEndObject();
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        write(json);
        await json.FlushAsync(context.RequestAborted);
    }
}
