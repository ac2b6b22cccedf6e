namespace LlmGateway.VectorIndex;

/// <summary>
/// File framing of snapshots: an 8-byte magic, a format version, the body, and a CRC-32C of
/// all preceding bytes. Saving writes a temporary file, flushes it to disk and renames it over
/// the target, so a crash mid-save leaves the previous snapshot intact.
/// </summary>
internal static class SnapshotFile
{
    public const int FormatVersion = 1;
    private const int BufferSize = 1 << 20;

    public static long Save(string path, long magic, Action<SnapshotWriter> body)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + ".tmp";
        long bytes;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        {
            bytes = Write(stream, magic, body);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return bytes;
    }

    public static long Write(Stream stream, long magic, Action<SnapshotWriter> body)
    {
        var writer = new SnapshotWriter(stream);
        writer.WriteInt64(magic);
        writer.WriteInt32(FormatVersion);
        body(writer);
        writer.WriteTrailer();
        return writer.BytesWritten;
    }

    /// <summary>Reads a snapshot; false with a reason when it is missing, foreign, corrupt or truncated.</summary>
    public static bool TryLoad<T>(string path, long magic, Func<SnapshotReader, T> body, out T? result, out string? reason)
        where T : class
    {
        result = null;
        if (!File.Exists(path))
        {
            reason = $"snapshot file {path} does not exist";
            return false;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
            return TryRead(stream, stream.Length, magic, body, out result, out reason);
        }
        catch (IOException e)
        {
            reason = $"snapshot could not be read: {e.Message}";
            return false;
        }
        catch (UnauthorizedAccessException e)
        {
            reason = $"snapshot could not be read: {e.Message}";
            return false;
        }
    }

    public static bool TryRead<T>(Stream stream, long length, long magic, Func<SnapshotReader, T> body, out T? result, out string? reason)
        where T : class
    {
        result = null;
        try
        {
            var reader = new SnapshotReader(stream, length);
            if (reader.ReadInt64() != magic)
            {
                reason = "not a snapshot of this kind (magic bytes differ)";
                return false;
            }

            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                reason = $"snapshot format version {version} is not supported (expected {FormatVersion})";
                return false;
            }

            var loaded = body(reader);
            reader.VerifyTrailer();
            result = loaded;
            reason = null;
            return true;
        }
        catch (EndOfStreamException e)
        {
            reason = e.Message.StartsWith("snapshot", StringComparison.Ordinal) ? e.Message : "snapshot is truncated";
            return false;
        }
        catch (SnapshotFormatException e)
        {
            reason = e.Message;
            return false;
        }
        catch (OutOfMemoryException)
        {
            reason = "snapshot declares more data than fits in memory (corrupt)";
            return false;
        }
    }
}
