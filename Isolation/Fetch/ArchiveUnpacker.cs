using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using MiniMesos.Core.Compression;
using MiniMesos.Core.Fetch;

namespace MiniMesos.Isolation.Fetch;

/// <summary>
/// Unpacks a downloaded archive (hostile) into the sandbox through a <see cref="SandboxWriter"/>: names that are
/// absolute or hold ".." are refused, so are device nodes and fifos, symlinks whose target is absolute or climbs out of
/// the sandbox, and hard links to anything but a regular file unpacked before from the same archive. The bytes
/// written (counted while copying, not taken from headers), the entries and the name lengths are bounded, and
/// <paramref name="cancel"/> is checked between entries and blocks. Modes come from the archive without setuid, setgid
/// or sticky bits; every file belongs to the writer's owner.
/// </summary>
internal sealed class ArchiveUnpacker(SandboxWriter writer, string into, FetchLimits limits, CancellationToken cancel)
{
    private readonly HashSet<string> _regular = new(StringComparer.Ordinal);
    private long _bytes;
    private int _entries;

    public void Unpack(FileStream archive, ArchiveKind kind)
    {
        try
        {
            switch (kind)
            {
                case ArchiveKind.Tar:
                    Tar(archive);
                    break;
                case ArchiveKind.TarGzip:
                {
                    using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
                    Tar(gzip);
                    break;
                }
                case ArchiveKind.TarXz:
                {
                    // Tar overhead (headers, padding) on top of the file bytes the copy counts; read to the end so
                    // the last block's check and the index are verified even after tar's end marker.
                    using var xz = new XzDecoderStream(archive, limits.MaxUnpackedBytes + limits.MaxEntries * 2048L, cancel);
                    Tar(xz);
                    long drained = 0;
                    Copy(xz, Stream.Null, limits.MaxUnpackedBytes, ref drained, "unpacks to", cancel);
                    break;
                }
                case ArchiveKind.Zip:
                    Zip(archive);
                    break;
                default:
                    throw new FetchException("cannot extract this archive format (tar, tar.gz/tgz, tar.xz/txz and zip are supported; .NET has no bzip2 or zstd decoder): set extract to false");
            }
        }
        catch (InvalidDataException e)
        {
            throw new FetchException($"not a valid {kind} archive ({e.Message})");
        }
        catch (FormatException e)
        {
            throw new FetchException($"not a valid {kind} archive ({e.Message})");
        }
    }

    private void Tar(Stream stream)
    {
        using var reader = new TarReader(stream, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            Count();
            var name = Name(entry.Name);
            if (name is null) continue;
            var mode = (uint)entry.Mode;
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    writer.MakeDirectory(Join(name), mode);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    WriteFile(name, entry.DataStream, mode);
                    break;
                case TarEntryType.SymbolicLink:
                    writer.Symlink(Join(name), LinkTarget(name, entry.LinkName));
                    _regular.Remove(name);
                    break;
                case TarEntryType.HardLink:
                    var target = Name(entry.LinkName) ?? "";
                    if (!_regular.Contains(target)) throw new FetchException($"entry '{entry.Name}': a hard link to '{entry.LinkName}', which is not a file unpacked before from this archive");
                    if (target != name) writer.HardLink(Join(name), Join(target));
                    _regular.Add(name);
                    break;
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    throw new FetchException($"entry '{entry.Name}' is a device node or a fifo, which are refused");
                default:
                    // pax/GNU metadata TarReader did not fold into an entry: nothing to write.
                    break;
            }
        }
    }

    private void Zip(FileStream archive)
    {
        using var zip = new ZipArchive(archive, ZipArchiveMode.Read, leaveOpen: true);
        foreach (var entry in zip.Entries)
        {
            Count();
            var name = Name(entry.FullName);
            if (name is null) continue;
            var unixMode = (uint)(entry.ExternalAttributes >> 16);
            var type = unixMode & 0xF000;
            if (entry.FullName.EndsWith('/') || type == 0x4000) writer.MakeDirectory(Join(name), unixMode == 0 ? 0b111_101_101 : unixMode);
            else if (type == 0xA000) throw new FetchException($"entry '{entry.FullName}' is a symlink, which is not unpacked from zip archives");
            else if (type is 0 or 0x8000)
            {
                using var data = entry.Open();
                WriteFile(name, data, unixMode == 0 ? 0b110_100_100 : unixMode);
            }
            else throw new FetchException($"entry '{entry.FullName}' is a device node or a fifo, which are refused");
        }
    }

    private void Count()
    {
        cancel.ThrowIfCancellationRequested();
        if (++_entries > limits.MaxEntries) throw new FetchException($"has more than {limits.MaxEntries} entries");
    }

    private void WriteFile(string name, Stream? data, uint mode)
    {
        var path = Join(name);
        using (var file = writer.CreateFile(path, out var fd))
        {
            if (data is not null) Copy(data, file, limits.MaxUnpackedBytes, ref _bytes, "unpacks to", cancel);
            writer.Finish(fd, mode, path);
        }
        _regular.Add(name);
    }

    /// <summary>Copies, counting into <paramref name="total"/> and failing past <paramref name="max"/>.</summary>
    public static void Copy(Stream from, Stream to, long max, ref long total, string what, CancellationToken cancel)
    {
        var buffer = new byte[81920];
        int n;
        while ((n = from.Read(buffer)) > 0)
        {
            cancel.ThrowIfCancellationRequested();
            total += n;
            if (total > max) throw new FetchException($"{what} more than {max} bytes");
            to.Write(buffer, 0, n);
        }
    }

    private string Join(string name) => into.Length == 0 ? name : into + "/" + name;

    /// <summary>The entry's name relative to the extraction directory; null for the directory itself.</summary>
    private string? Name(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) throw new FetchException("an entry has no name");
        if (Encoding.UTF8.GetByteCount(raw) > limits.MaxNameBytes) throw new FetchException($"an entry's name is longer than {limits.MaxNameBytes} bytes");
        if (raw.Contains('\0')) throw new FetchException($"entry '{raw}' has a NUL in its name");
        if (raw.StartsWith('/')) throw new FetchException($"entry '{raw}' is an absolute path");
        var parts = raw.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (parts.Contains("..")) throw new FetchException($"entry '{raw}' climbs out with '..'");
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>
    /// A symlink's target, refused when absolute, when its leading ".." climb from the link's directory out of the
    /// sandbox, or when it has ".." after a name (which, through another link to a directory, could climb anywhere).
    /// Links only ever sit in real directories (the writer creates nothing through a link), so leading ".." are exact.
    /// </summary>
    private string LinkTarget(string name, string? target)
    {
        if (string.IsNullOrEmpty(target) || target.Contains('\0')) throw new FetchException($"symlink '{name}' has no target");
        if (target.StartsWith('/')) throw new FetchException($"symlink '{name}' points at the absolute path '{target}', outside the sandbox");
        var depth = Join(name).Split('/').Length - 1;
        var descending = false;
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part != "..")
            {
                descending = true;
                continue;
            }
            if (descending) throw new FetchException($"symlink '{name}' points at '{target}': '..' after a name is refused");
            if (--depth < 0) throw new FetchException($"symlink '{name}' points at '{target}', outside the sandbox");
        }
        return target;
    }
}
