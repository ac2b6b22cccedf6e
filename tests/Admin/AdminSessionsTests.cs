using LlmGateway.Admin;
using LlmGateway.Auth;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Admin;

public sealed class AdminSessionsTests
{
    private static readonly string Digest = TeamKeys.Sha256Hex("sk-admin");
    private static readonly string[] Allowed = [Digest];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_session_token_is_random_opaque_and_lasts_twelve_hours()
    {
        var sessions = new AdminSessions(_time);
        var token = sessions.OpenSession(Digest);

        Assert.NotEqual(token, sessions.OpenSession(Digest));
        Assert.DoesNotContain("sk-admin", token);
        Assert.NotEqual(Digest, token, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(Digest, sessions.SessionKeyDigest(token, Allowed));
        _time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromSeconds(1));
        Assert.Equal(Digest, sessions.SessionKeyDigest(token, Allowed));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(sessions.SessionKeyDigest(token, Allowed));
        Assert.Null(sessions.SessionKeyDigest("made-up", Allowed));
        Assert.Null(sessions.SessionKeyDigest("", Allowed));
    }

    [Fact]
    public void Removing_the_admin_key_ends_its_sessions_and_links()
    {
        var sessions = new AdminSessions(_time);
        var token = sessions.OpenSession(Digest);
        var (link, _) = sessions.CreateLink(Digest);
        string[] rotated = [TeamKeys.Sha256Hex("sk-new-admin")];

        Assert.Null(sessions.SessionKeyDigest(token, rotated));
        Assert.Null(sessions.RedeemLink(link, rotated));
    }

    [Fact]
    public void A_link_works_once_within_five_minutes_and_is_not_a_session()
    {
        var sessions = new AdminSessions(_time);
        var (link, expiresAt) = sessions.CreateLink(Digest);
        var (late, _) = sessions.CreateLink(Digest);

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(5), expiresAt);
        Assert.Null(sessions.SessionKeyDigest(link, Allowed));
        Assert.Equal(Digest, sessions.RedeemLink(link, Allowed));
        Assert.Null(sessions.RedeemLink(link, Allowed));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(sessions.RedeemLink(late, Allowed));
        Assert.Null(sessions.RedeemLink(sessions.OpenSession(Digest), Allowed));
    }

    [Fact]
    public void Past_capacity_the_grants_expiring_first_are_dropped()
    {
        var sessions = new AdminSessions(_time);
        var oldest = sessions.OpenSession(Digest);
        _time.Advance(TimeSpan.FromMinutes(1));
        var tokens = Enumerable.Range(0, AdminSessions.Capacity).Select(_ => sessions.OpenSession(Digest)).ToList();

        Assert.Null(sessions.SessionKeyDigest(oldest, Allowed));
        Assert.All(tokens, t => Assert.Equal(Digest, sessions.SessionKeyDigest(t, Allowed)));
    }
}
