using MiniMesos.Core.Compression;
using Xunit;

namespace MiniMesos.Tests.Compression;

/// <summary>
/// The managed zstd decoder on frames made by the system's zstd: levels, multi-block frames, raw and RLE blocks, Huffman
/// literals with the tree reused by later blocks (treeless), repeat offsets, long windows, checksums, concatenated and
/// skippable frames; and on broken ones (a bad checksum, truncations, flipped bytes, dictionaries, huge windows, a
/// bound on the output), which fail with ZstdDataException and nothing else.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ZstdDecoderTests
{
    private static byte[] Decode(byte[] zst, long maxOutput = long.MaxValue)
    {
        using var decoder = new ZstdDecoderStream(new MemoryStream(zst), maxOutput, CancellationToken.None);
        var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-3")]
    [InlineData("-19")]
    [InlineData("--ultra", "-22")]
    [InlineData("--long=27", "-5")]
    [InlineData("--no-check", "-3")]
    [InlineData("--fast=5")]
    public void DecodesWhatZstdMade(params string[] args)
    {
        var data = XzTool.Sample(600_000, seed: args.Length + args[0].Length);
        var zst = ZstdTool.Compress(data, args);
        Assert.Equal(data, Decode(zst));
    }

    [Fact]
    public void DecodesRawRleAndHuffmanBlocksWithTreelessLiteralsAndChecksums()
    {
        var noise = new byte[300_000];
        new Random(5).NextBytes(noise);
        // Letters of a skewed distribution: little to match, much for Huffman, the same statistics in every block.
        var random = new Random(11);
        var text = new byte[900_000];
        for (var i = 0; i < text.Length; i++) text[i] = (byte)('a' + Math.Min(random.Next(16), random.Next(16)));
        text = text.Concat(XzTool.Sample(300_000, seed: 12)).ToArray();
        var data = noise.Concat(new byte[400_000]).Concat(text).Concat(Enumerable.Repeat((byte)'x', 200_000)).ToArray();
        var zst = ZstdTool.Compress(data, "-19");
        var kinds = ZstdTool.Kinds(zst);
        Assert.Superset(new HashSet<string> { "raw", "rle", "huffman", "treeless", "checksum" }, kinds);
        Assert.Equal(data, Decode(zst));
    }

    [Fact]
    public void DecodesEmptyAndConcatenatedFramesAndSkipsSkippableOnes()
    {
        Assert.Empty(Decode(ZstdTool.Compress([])));
        var a = XzTool.Sample(5000, 1);
        var b = XzTool.Sample(70_000, 2);
        byte[] skippable = [0x53, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3];
        var all = ZstdTool.Compress(a, "-3").Concat(skippable).Concat(ZstdTool.Compress(b, "--no-check")).ToArray();
        Assert.Equal(a.Concat(b).ToArray(), Decode(all));
    }

    [Fact]
    public void ABadChecksumFailsTheRead()
    {
        var zst = ZstdTool.Compress(XzTool.Sample(50_000, 3), "-3");
        zst[^1] ^= 0x01;
        var e = Assert.Throws<ZstdDataException>(() => Decode(zst));
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void TruncatedAndFlippedFramesFailWithInvalidData()
    {
        var data = XzTool.Sample(200_000, 4);
        var zst = ZstdTool.Compress(data, "-9");
        foreach (var cut in new[] { 1, 3, 4, 6, 20, zst.Length / 2, zst.Length - 5, zst.Length - 1 })
            Assert.Contains("truncated", Assert.Throws<ZstdDataException>(() => Decode(zst[..cut])).Message);
        // A flipped byte is caught by a check or by the checksum: never another exception, never wrong data.
        var random = new Random(9);
        var refused = 0;
        for (var i = 0; i < 300; i++)
        {
            var broken = (byte[])zst.Clone();
            broken[random.Next(4, broken.Length)] ^= (byte)random.Next(1, 256);
            try { Assert.Equal(data, Decode(broken)); }
            catch (ZstdDataException) { refused++; }
        }
        Assert.True(refused > 290, $"only {refused} of 300 flipped frames refused");
        Assert.Contains("not zstd", Assert.Throws<ZstdDataException>(() => Decode([1, 2, 3, 4, 5])).Message);
        Assert.Contains("empty", Assert.Throws<ZstdDataException>(() => Decode([])).Message);
    }

    [Fact]
    public void OutputWindowsAndDictionariesAreBounded()
    {
        var data = XzTool.Sample(300_000, 6);
        var zst = ZstdTool.Compress(data, "-3");
        Assert.Contains("more than 100000 bytes", Assert.Throws<ZstdDataException>(() => Decode(zst, maxOutput: 100_000)).Message);
        Assert.Equal(data, Decode(zst, maxOutput: data.Length));
        // A window descriptor of 2^30 bytes (exponent 20), then a dictionary ID of 7.
        Assert.Contains("window", Assert.Throws<ZstdDataException>(() => Decode(ZstdTool.Header(0x00, 20 << 3, 0, 0, 1))).Message);
        Assert.Contains("dictionary 7", Assert.Throws<ZstdDataException>(() => Decode(ZstdTool.Header(0x01, 10 << 3, 7))).Message);
        // A single-segment frame declaring 10 bytes whose RLE block holds 20.
        var rle = ZstdTool.Header(0x20, 10, (byte)((20 << 3) | 2 | 1), 0, 0, (byte)'a');
        Assert.Contains("maximum", Assert.Throws<ZstdDataException>(() => Decode(rle)).Message);
    }
}
