using LlmGateway.Admin;
using LlmGateway.Auth;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Admin;

public sealed class SignInLinksTests
{
    private static readonly string Digest = TeamKeys.Sha256Hex("sk-admin");
    private static readonly string[] Allowed = [Digest];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_link_is_random_and_works_once_within_five_minutes()
    {
        var links = new SignInLinks(_time);
        var (link, expiresAt) = links.Create(Digest);
        var (late, _) = links.Create(Digest);

        Assert.NotEqual(link, late);
        Assert.DoesNotContain(Digest, link, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(5), expiresAt);
        Assert.Equal(Digest, links.Redeem(link, Allowed));
        Assert.Null(links.Redeem(link, Allowed));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(links.Redeem(late, Allowed));
        Assert.Null(links.Redeem("made-up", Allowed));
        Assert.Null(links.Redeem("", Allowed));
    }

    [Fact]
    public void Removing_the_admin_key_voids_its_links()
    {
        var links = new SignInLinks(_time);
        var (link, _) = links.Create(Digest);

        Assert.Null(links.Redeem(link, [TeamKeys.Sha256Hex("sk-new-admin")]));
        Assert.Null(links.Redeem(link, Allowed)); // spent by the refused attempt: links are one-shot
    }
}
