using System.Net;
using LlmGateway.Auth;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Admin;

public sealed class AdminKeyTests
{
    [Fact]
    public async Task The_admin_api_needs_an_admin_key_and_a_team_key_is_not_one()
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1/v1");
        settings["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex("sk-admin");
        await using var gateway = await GatewayHost.StartAsync(settings);

        using var none = await gateway.Client(key: null).GetAsync("/admin/status");
        using var team = await gateway.Client().GetAsync("/admin/status");
        using var admin = await gateway.Client("sk-admin").GetAsync("/admin/status");

        await Json.AssertOpenAiErrorAsync(none, 401, code: "invalid_admin_key");
        await Json.AssertOpenAiErrorAsync(team, 401, code: "invalid_admin_key");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(1, (await Json.ReadObjectAsync(admin))["generation"]!.GetValue<long>());
    }
}
