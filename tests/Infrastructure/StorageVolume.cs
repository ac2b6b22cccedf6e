namespace LlmGateway.Tests.Infrastructure;

/// <summary>
/// A storage volume that goes away and comes back: the directory is moved off and a file takes its path, so nothing can
/// write there (FASTER's devices recreate a plain missing directory, which would hide the fault and strand the open
/// segment files); returning it puts the same directory back with what it held.
/// </summary>
public static class StorageVolume
{
    public static async Task VanishAsync(string storage, string away)
    {
        Directory.Move(storage, away);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(storage))
                    Directory.Delete(storage, recursive: true); // a commit recreated it in between
                File.WriteAllText(storage, "not a directory");
                return;
            }
            // The gateway may recreate the directory between the check and the write (EISDIR: UnauthorizedAccessException).
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && attempt < 50)
            {
                await Task.Delay(20); // a retry of a racing write, not a wait for a result
            }
        }
    }

    public static async Task ReturnAsync(string storage, string away)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(storage))
                    Directory.Delete(storage, recursive: true); // a commit recreated it between the delete and the move
                else
                    File.Delete(storage);
                Directory.Move(away, storage);
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && attempt < 50)
            {
                await Task.Delay(20); // a retry of a racing write, not a wait for a result
            }
        }
    }
}
