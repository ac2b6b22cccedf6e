using System.Security.Cryptography;
using LlmGateway.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace LlmGateway.Admin;

/// <summary>
/// Dashboard sessions kept server-side for the cookie handler: the cookie holds only a protected random id, so signing
/// out ends the session itself, not just the browser's copy of it. One file per session in
/// <c>{Gateway:Storage:Path}/admin/sessions</c>, so sessions survive a restart; expired ones are removed at each sign-in.
/// </summary>
internal sealed class AdminSessionStore(GatewayConfigStore config, TimeProvider time) : ITicketStore
{
    private const string Extension = ".session";

    private readonly string _folder = AdminAuthentication.Folder(config, "sessions");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        RemoveExpired();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await RenewAsync(id, ticket);
        return id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        Directory.CreateDirectory(_folder);
        var temp = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".tmp");
        await File.WriteAllBytesAsync(temp, TicketSerializer.Default.Serialize(ticket));
        File.Move(temp, PathOf(key) ?? throw new ArgumentException("Not a session id.", nameof(key)), overwrite: true); // readers never see half a ticket
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        try
        {
            return PathOf(key) is { } path ? TicketSerializer.Default.Deserialize(await File.ReadAllBytesAsync(path)) : null;
        }
        catch (IOException)
        {
            return null; // signed out, expired and removed, or never issued here
        }
    }

    public Task RemoveAsync(string key)
    {
        if (PathOf(key) is { } path && File.Exists(path))
            File.Delete(path);
        return Task.CompletedTask;
    }

    private void RemoveExpired()
    {
        if (!Directory.Exists(_folder))
            return;
        var now = time.GetUtcNow();
        foreach (var file in Directory.EnumerateFiles(_folder, "*" + Extension))
        {
            try
            {
                if (TicketSerializer.Default.Deserialize(File.ReadAllBytes(file)) is not { Properties.ExpiresUtc: { } expires } || expires < now)
                    File.Delete(file);
            }
            catch (IOException)
            {
                // removed meanwhile by a sign-out
            }
        }
    }

    /// <summary>The id comes from a cookie the gateway protected, and is checked anyway: it becomes a file name.</summary>
    private string? PathOf(string key) => key.Length == 64 && key.All(char.IsAsciiHexDigitLower) ? Path.Combine(_folder, key + Extension) : null;
}
