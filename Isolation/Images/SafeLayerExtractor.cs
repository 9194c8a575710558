using System.Formats.Tar;
using System.Text;
using Microsoft.Win32.SafeHandles;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// Unpacks one (uncompressed) layer tar into an empty directory, as an overlayfs lower layer, treating the tar as
/// hostile. Every entry is created relative to directory descriptors opened with O_NOFOLLOW from the layer's root, so
/// nothing is ever written through a symlink (a symlink in the layer is stored as a symlink, whatever it points to,
/// and an entry whose path goes through one is refused). Names with ".." or a leading "/" are refused; hardlinks must
/// point at a regular file unpacked earlier from the same layer; device nodes and fifos are skipped with a log line;
/// setuid/setgid bits are dropped; owners are kept as the tar gives them. OCI whiteouts become overlayfs whiteouts:
/// ".wh.NAME" a 0/0 character device NAME, ".wh..wh..opq" the xattr trusted.overlay.opaque=y on its directory; a
/// whiteout never removes what the same layer holds (OCI: whiteouts apply to lower layers only).
/// </summary>
internal sealed class SafeLayerExtractor : IDisposable
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";
    private const int DirFlags = Fcntl.O_RDONLY | Fcntl.O_CLOEXEC;

    private readonly int _rootFd;
    private readonly string _layer;
    private readonly LayerLimits _limits;
    private readonly Action<string> _log;
    private readonly HashSet<string> _unpacked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _regularFiles = new(StringComparer.Ordinal);
    private long _bytes;
    private int _entries;

    private SafeLayerExtractor(int rootFd, string layer, LayerLimits limits, Action<string> log)
    {
        _rootFd = rootFd;
        _layer = layer;
        _limits = limits;
        _log = log;
    }

    /// <summary>Unpacks <paramref name="tar"/> into <paramref name="directory"/> (which must exist and be empty); <paramref name="layer"/> names it in errors.</summary>
    public static void Extract(Stream tar, string directory, string layer, LayerLimits limits, Action<string> log)
    {
        var fd = Fcntl.openat(-100, directory, DirFlags | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW, 0);
        if (fd < 0) throw new LayerUnpackException($"layer {layer}: cannot open {directory}: {LibcError.Describe(LibcError.LastErrno)}");
        using var extractor = new SafeLayerExtractor(fd, layer, limits, log);
        extractor.Run(tar);
    }

    public void Dispose() => Unistd.close(_rootFd);

    private void Run(Stream tar)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        try
        {
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (++_entries > _limits.MaxEntries) Fail($"has more than {_limits.MaxEntries} entries");
                Apply(entry);
            }
        }
        catch (InvalidDataException e)
        {
            Fail($"is not a valid tar ({e.Message})");
        }
        catch (FormatException e)
        {
            Fail($"is not a valid tar ({e.Message})");
        }
    }

    private void Apply(TarEntry entry)
    {
        var name = Normalise(entry.Name, "name");
        if (name is null) return; // "./": the layer root itself
        var slash = name.LastIndexOf('/');
        var parentPath = slash < 0 ? "" : name[..slash];
        var leaf = name[(slash + 1)..];

        if (leaf == OpaqueMarker)
        {
            using var dir = OpenDirectory(parentPath, name);
            var value = "y"u8.ToArray();
            if (AtFile.fsetxattr(dir.Value, "trusted.overlay.opaque", value, (nuint)value.Length, 0) != 0)
                Fail($"cannot mark '{parentPath}/' opaque: {LibcError.Describe(LibcError.LastErrno)}");
            return;
        }
        if (leaf.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            var hidden = leaf[WhiteoutPrefix.Length..];
            if (hidden is "" or "." or ".." || hidden.StartsWith(WhiteoutPrefix, StringComparison.Ordinal)) Fail($"entry '{entry.Name}' is not a valid whiteout");
            var hiddenPath = parentPath.Length == 0 ? hidden : parentPath + "/" + hidden;
            if (_unpacked.Contains(hiddenPath)) return; // the same layer's own file stays
            using var dir = OpenDirectory(parentPath, name);
            if (AtFile.mknodat(dir.Value, hidden, AtFile.S_IFCHR, 0) != 0)
                Fail($"cannot create the whiteout for '{hiddenPath}': {LibcError.Describe(LibcError.LastErrno)}");
            _unpacked.Add(hiddenPath);
            return;
        }

        var uid = (uint)Math.Max(0, entry.Uid);
        var gid = (uint)Math.Max(0, entry.Gid);
        var mode = (uint)entry.Mode & 0x3FF; // rwx and sticky (0o1777): setuid and setgid are dropped
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
            {
                using var parent = OpenDirectory(parentPath, name);
                if (Fcntl.mkdirat(parent.Value, leaf, 0b111_000_000) != 0)
                {
                    var errno = LibcError.LastErrno;
                    if (errno != AtFile.EEXIST) Fail($"cannot create directory '{name}': {LibcError.Describe(errno)}");
                    // Something is there: keep a directory, replace anything else.
                    var existing = Fcntl.openat(parent.Value, leaf, DirFlags | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW, 0);
                    if (existing >= 0) Unistd.close(existing);
                    else
                    {
                        Remove(parent.Value, leaf, name);
                        if (Fcntl.mkdirat(parent.Value, leaf, 0b111_000_000) != 0) Fail($"cannot create directory '{name}': {LibcError.Describe(LibcError.LastErrno)}");
                    }
                }
                using var dir = Open(parent.Value, leaf, name);
                Own(dir.Value, uid, gid, mode, name);
                break;
            }
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
            {
                if (entry.Length < 0 || (_bytes += entry.Length) > _limits.MaxBytes) Fail($"unpacks to more than {_limits.MaxBytes} bytes");
                using var parent = OpenDirectory(parentPath, name);
                Remove(parent.Value, leaf, name);
                var fd = Fcntl.openat(parent.Value, leaf, Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, 0b110_000_000);
                if (fd < 0) Fail($"cannot create '{name}': {LibcError.Describe(LibcError.LastErrno)}");
                using (var file = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, 0))
                {
                    entry.DataStream?.CopyTo(file);
                    Own(fd, uid, gid, mode, name);
                }
                _regularFiles.Add(name);
                break;
            }
            case TarEntryType.SymbolicLink:
            {
                if (string.IsNullOrEmpty(entry.LinkName) || entry.LinkName.Contains('\0')) Fail($"symlink '{name}' has no target");
                using var parent = OpenDirectory(parentPath, name);
                Remove(parent.Value, leaf, name);
                if (AtFile.symlinkat(entry.LinkName, parent.Value, leaf) != 0) Fail($"cannot create symlink '{name}': {LibcError.Describe(LibcError.LastErrno)}");
                if (Fcntl.fchownat(parent.Value, leaf, uid, gid, Fcntl.AT_SYMLINK_NOFOLLOW) != 0) Fail($"cannot chown symlink '{name}': {LibcError.Describe(LibcError.LastErrno)}");
                _regularFiles.Remove(name);
                break;
            }
            case TarEntryType.HardLink:
            {
                var target = Normalise(entry.LinkName, "hardlink target");
                if (target is null || !_regularFiles.Contains(target))
                    Fail($"hardlink '{name}' points at '{entry.LinkName}', which is not a regular file earlier in this layer");
                var targetSlash = target!.LastIndexOf('/');
                using var targetParent = OpenDirectory(targetSlash < 0 ? "" : target[..targetSlash], target);
                using var parent = OpenDirectory(parentPath, name);
                if (name == target) break;
                Remove(parent.Value, leaf, name);
                if (AtFile.linkat(targetParent.Value, target[(targetSlash + 1)..], parent.Value, leaf, 0) != 0)
                    Fail($"cannot hardlink '{name}' to '{target}': {LibcError.Describe(LibcError.LastErrno)}");
                _regularFiles.Add(name);
                break;
            }
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                _log($"layer {_layer}: skipped '{name}' ({entry.EntryType}): device nodes and fifos are not unpacked");
                return;
            default:
                _log($"layer {_layer}: skipped '{name}' (tar entry type {entry.EntryType})");
                return;
        }
        _unpacked.Add(name);
    }

    /// <summary>"./a/b/" -> "a/b"; null for the root; refuses absolute names, ".." and NUL.</summary>
    private string? Normalise(string? raw, string what)
    {
        if (string.IsNullOrEmpty(raw)) Fail($"an entry has an empty {what}");
        if (Encoding.UTF8.GetByteCount(raw!) > _limits.MaxNameBytes) Fail($"an entry's {what} is longer than {_limits.MaxNameBytes} bytes");
        if (raw!.Contains('\0')) Fail($"{what} '{raw}' contains NUL");
        if (raw.StartsWith('/')) Fail($"{what} '{raw}' is absolute");
        var parts = raw.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (parts.Contains("..")) Fail($"{what} '{raw}' contains '..'");
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>Opens (creating as needed) the directory <paramref name="path"/> below the layer root, refusing any component that is not a real directory.</summary>
    private Fd OpenDirectory(string path, string forEntry)
    {
        var current = new Fd(Dup(_rootFd));
        if (path.Length == 0) return current;
        foreach (var component in path.Split('/'))
        {
            using var parent = current;
            var fd = Fcntl.openat(parent.Value, component, DirFlags | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW, 0);
            if (fd < 0 && LibcError.LastErrno == Errno.ENOENT)
            {
                if (Fcntl.mkdirat(parent.Value, component, 0b111_101_101) != 0) Fail($"cannot create a parent of '{forEntry}': {LibcError.Describe(LibcError.LastErrno)}");
                fd = Fcntl.openat(parent.Value, component, DirFlags | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW, 0);
            }
            if (fd < 0)
            {
                var errno = LibcError.LastErrno;
                Fail(errno is AtFile.ELOOP or AtFile.ENOTDIR
                    ? $"entry '{forEntry}' goes through '{component}', which is a symlink or a file in this layer"
                    : $"cannot open a parent of '{forEntry}': {LibcError.Describe(errno)}");
            }
            current = new Fd(fd);
        }
        return current;
    }

    private Fd Open(int parentFd, string leaf, string name)
    {
        var fd = Fcntl.openat(parentFd, leaf, DirFlags | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW, 0);
        if (fd < 0) Fail($"cannot open directory '{name}': {LibcError.Describe(LibcError.LastErrno)}");
        return new Fd(fd);
    }

    /// <summary>Removes whatever non-directory (or empty directory) is at <paramref name="leaf"/>, so the entry replaces it.</summary>
    private void Remove(int parentFd, string leaf, string name)
    {
        if (Fcntl.unlinkat(parentFd, leaf, 0) == 0) return;
        var errno = LibcError.LastErrno;
        if (errno == Errno.ENOENT) return;
        if (errno is AtFile.EISDIR or Errno.EPERM && Fcntl.unlinkat(parentFd, leaf, Fcntl.AT_REMOVEDIR) == 0) return;
        Fail($"cannot replace '{name}': {LibcError.Describe(LibcError.LastErrno)}");
    }

    private void Own(int fd, uint uid, uint gid, uint mode, string name)
    {
        if (AtFile.fchown(fd, uid, gid) != 0) Fail($"cannot chown '{name}' to {uid}:{gid}: {LibcError.Describe(LibcError.LastErrno)}");
        if (Fcntl.fchmod(fd, mode) != 0) Fail($"cannot chmod '{name}': {LibcError.Describe(LibcError.LastErrno)}");
    }

    private static int Dup(int fd)
    {
        var copy = Fcntl.openat(fd, ".", DirFlags | Fcntl.O_DIRECTORY, 0);
        return LibcError.Check(copy, "reopen the layer directory");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(string reason) => throw new LayerUnpackException($"layer {_layer}: {reason}");

    /// <summary>An owned descriptor closed on dispose.</summary>
    private readonly record struct Fd(int Value) : IDisposable
    {
        public void Dispose() => Unistd.close(Value);
    }
}
