using LlmGateway.Gateway;

namespace LlmGateway.Admin;

internal static class AdminEndpoints
{
    /// <summary>The <c>/admin</c> route group, for an admin key or session (<see cref="AdminAuthentication"/>), and the sign-in around it. Capabilities add their admin endpoints to it.</summary>
    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapSignIn();
        var admin = endpoints.MapGroup("/admin").RequireAuthorization(AdminAuthentication.Policy);
        admin.MapSignInLinks();
        admin.MapGet("/status", (GatewayConfigStore config) =>
        {
            var state = config.Current;
            return Results.Json(new
            {
                generation = state.Generation,
                providers = state.Routing.Providers.Select(p => p.Name),
                models = state.Routing.Models.Select(m => m.Name),
                teams = state.Options.Teams.Keys,
            });
        });
        return admin;
    }
}
