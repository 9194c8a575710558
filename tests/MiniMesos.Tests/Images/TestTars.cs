using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace MiniMesos.Tests.Images;

/// <summary>Builds layer tars in memory for the image tests, hostile ones included (TarWriter does not check names).</summary>
internal static class TestTars
{
    public static byte[] Tar(params TarEntry[] entries)
    {
        var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var entry in entries) writer.WriteEntry(entry);
        return buffer.ToArray();
    }

    public static PaxTarEntry Dir(string name, int uid = 0) => new(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101, Uid = uid, Gid = uid };

    public static PaxTarEntry File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0, int gid = 0) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)), Mode = mode, Uid = uid, Gid = gid };

    public static PaxTarEntry Symlink(string name, string target) => new(TarEntryType.SymbolicLink, name) { LinkName = target };

    public static PaxTarEntry Hardlink(string name, string target) => new(TarEntryType.HardLink, name) { LinkName = target };

    public static PaxTarEntry Device(string name) => new(TarEntryType.CharacterDevice, name) { DeviceMajor = 1, DeviceMinor = 3, Mode = (UnixFileMode)0b110_110_110 };

    public static byte[] Gzip(byte[] data)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return buffer.ToArray();
    }

    public static string Sha256(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>`stat -c FORMAT path` without following a final symlink.</summary>
    public static string Stat(string format, string path)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", format, path]) { RedirectStandardOutput = true })!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }
}
