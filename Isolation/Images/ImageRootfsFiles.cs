using System.Text;

namespace MiniMesos.Isolation.Images;

/// <summary>
/// Agent side, before a task starts in an image: its overlay directory (root-only, beside its sandbox and never inside
/// anything the task controls) with an empty upper/ holding only etc/hosts, etc/resolv.conf and etc/hostname (root's,
/// 0644: they shadow the image's own), work/ and the mount point mnt/. The files are the host's, as a container on the
/// host's network sees them (hosts gains the task's own hostname); with no network, only loopback names and no resolver.
/// </summary>
internal static class ImageRootfsFiles
{
    private const UnixFileMode Dir755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode File644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void Prepare(string overlayDir, string hostname, bool hostNetwork)
    {
        TaskDirs.CreateRootOnly(overlayDir);
        foreach (var (name, mode) in new[] { (OverlayMount.Upper, Dir755), (OverlayMount.Work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), (OverlayMount.Merged, Dir755) })
        {
            var dir = Path.Combine(overlayDir, name);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); // a launch that failed half-way: start clean
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, mode);
        }
        var etc = Path.Combine(overlayDir, OverlayMount.Upper, "etc");
        Directory.CreateDirectory(etc);
        File.SetUnixFileMode(etc, Dir755);
        Write(etc, "hostname", hostname + "\n");
        Write(etc, "hosts", Hosts(hostname, hostNetwork));
        Write(etc, "resolv.conf", hostNetwork ? Resolver() : "");
    }

    private static string Hosts(string hostname, bool hostNetwork)
    {
        var sb = new StringBuilder();
        sb.Append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        if (hostNetwork && ReadSmall("/etc/hosts") is { } host)
        {
            foreach (var line in host.Split('\n'))
                if (line.Trim().Length > 0 && !line.Contains("localhost", StringComparison.Ordinal)) sb.Append(line).Append('\n');
        }
        sb.Append("127.0.1.1\t").Append(hostname).Append('\n');
        return sb.ToString();
    }

    /// <summary>The host's resolver; systemd-resolved's stub (127.0.0.53) works on the host's network, so it is kept.</summary>
    private static string Resolver() => ReadSmall("/etc/resolv.conf") ?? "";

    private static string? ReadSmall(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists && info.Length < 1 << 20 ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Write(string dir, string name, string content)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, File644);
    }
}
