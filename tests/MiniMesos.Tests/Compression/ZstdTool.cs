using System.Buffers.Binary;
using System.Diagnostics;

namespace MiniMesos.Tests.Compression;

/// <summary>
/// Compresses with the system's zstd, so the decoder is tested on frames it did not make itself; and lists what a frame
/// is made of (block types, literals types), so a test can show it covers what it claims to.
/// </summary>
internal static class ZstdTool
{
    public static byte[] Compress(byte[] data, params string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("zstd-").FullName;
        try
        {
            var input = Path.Combine(dir, "data");
            File.WriteAllBytes(input, data);
            var start = new ProcessStartInfo("zstd") { RedirectStandardError = true };
            foreach (var a in args) start.ArgumentList.Add(a);
            foreach (var a in new[] { "-q", input, "-o", input + ".zst" }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                throw new TimeoutException("zstd did not finish within 60 s");
            }
            if (process.ExitCode != 0) throw new InvalidOperationException($"zstd {string.Join(' ', args)} failed: {error}");
            return File.ReadAllBytes(input + ".zst");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The kinds of the blocks of the one frame in <paramref name="zst"/>: "raw", "rle", and for a compressed block its
    /// literals' kind ("raw-literals", "rle-literals", "huffman", "treeless"); "checksum" if the frame has one.
    /// </summary>
    public static HashSet<string> Kinds(byte[] zst)
    {
        var kinds = new HashSet<string>();
        var descriptor = zst[4];
        var single = (descriptor & 0x20) != 0;
        var at = 5 + (single ? 0 : 1) + (descriptor & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 }
            + (descriptor >> 6) switch { 0 => single ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        if ((descriptor & 4) != 0) kinds.Add("checksum");
        while (true)
        {
            var header = zst[at] | zst[at + 1] << 8 | zst[at + 2] << 16;
            at += 3;
            var size = header >> 3;
            switch ((header >> 1) & 3)
            {
                case 0: kinds.Add("raw"); at += size; break;
                case 1: kinds.Add("rle"); at += 1; break;
                default:
                    kinds.Add(new[] { "raw-literals", "rle-literals", "huffman", "treeless" }[zst[at] & 3]);
                    at += size;
                    break;
            }
            if ((header & 1) != 0) return kinds;
        }
    }

    /// <summary>A frame header by hand: magic, the descriptor byte, then <paramref name="rest"/>.</summary>
    public static byte[] Header(byte descriptor, params byte[] rest)
    {
        var bytes = new byte[5 + rest.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0xFD2FB528);
        bytes[4] = descriptor;
        rest.CopyTo(bytes, 5);
        return bytes;
    }
}
