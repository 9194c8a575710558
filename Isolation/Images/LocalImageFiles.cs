using System.Formats.Tar;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// The files of a local image source by their relative names: an OCI layout directory read in place, or an archive
/// (oci-archive, docker-archive) whose regular files are copied once to a scratch directory. Names are normalised and
/// must stay inside; files are opened without following a final symlink, and never beyond <c>maxBytes</c>.
/// </summary>
internal sealed class LocalImageFiles : IDisposable
{
    private readonly string? _dir;
    private readonly Dictionary<string, string> _archive = new(StringComparer.Ordinal);
    private readonly string? _scratch;
    private readonly string _what;

    private LocalImageFiles(string? dir, string? scratch, string what)
    {
        _dir = dir;
        _scratch = scratch;
        _what = what;
    }

    public static LocalImageFiles Directory(string dir, string what)
    {
        if (!System.IO.Directory.Exists(dir)) throw new LayerUnpackException($"{what}: {dir} is not a directory on this agent");
        return new LocalImageFiles(dir, null, what);
    }

    public static LocalImageFiles Archive(string file, string scratch, long maxBytes, string what)
    {
        if (!File.Exists(file)) throw new LayerUnpackException($"{what}: {file} is not a file on this agent");
        System.IO.Directory.CreateDirectory(scratch);
        var files = new LocalImageFiles(null, scratch, what);
        try
        {
            using var stream = File.OpenRead(file);
            using var reader = new TarReader(stream);
            long total = 0;
            var count = 0;
            while (reader.GetNextEntry() is { } entry)
            {
                if (++count > 100_000) throw new LayerUnpackException($"{what}: more than 100000 entries");
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                var name = Normalise(entry.Name);
                if (name is null) continue;
                if ((total += entry.Length) > maxBytes) throw new LayerUnpackException($"{what}: more than {maxBytes} bytes");
                var path = Path.Combine(scratch, files._archive.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write)) entry.DataStream?.CopyTo(output);
                files._archive[name] = path;
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            files.Dispose();
            throw new LayerUnpackException($"{what}: {file} is not a valid tar ({e.Message})");
        }
        catch
        {
            files.Dispose();
            throw;
        }
        return files;
    }

    public bool Exists(string name) => Resolve(name) is { } path && File.Exists(path);

    public Stream Open(string name) =>
        Resolve(name) is { } path && File.Exists(path) && new FileInfo(path).LinkTarget is null
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920)
            : throw new LayerUnpackException($"{_what}: has no file '{name}'");

    public byte[] ReadSmall(string name, int maxBytes)
    {
        using var stream = Open(name);
        if (stream.Length > maxBytes) throw new LayerUnpackException($"{_what}: '{name}' is larger than {maxBytes} bytes");
        var buffer = new byte[stream.Length];
        stream.ReadExactly(buffer);
        return buffer;
    }

    private string? Resolve(string name)
    {
        var normal = Normalise(name);
        if (normal is null) return null;
        return _dir is not null ? Path.Combine(_dir, normal) : _archive.GetValueOrDefault(normal);
    }

    /// <summary>"./blobs//sha256/x" -> "blobs/sha256/x"; null for names that leave the source (.., absolute) or are empty.</summary>
    private static string? Normalise(string name)
    {
        if (name.StartsWith('/') || name.Contains('\0')) return null;
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        return parts.Count == 0 || parts.Contains("..") ? null : string.Join('/', parts);
    }

    public void Dispose()
    {
        if (_scratch is not null && System.IO.Directory.Exists(_scratch)) System.IO.Directory.Delete(_scratch, recursive: true);
    }
}
