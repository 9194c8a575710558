using MiniMesos.Core.Compression;
using Xunit;

namespace MiniMesos.Tests.Compression;

/// <summary>
/// The managed .xz decoder on files made by the system's xz: every check type, presets, multi-block and concatenated
/// streams, uncompressed chunks; and on broken ones (a bad check, truncations, flipped bytes, a BCJ filter, a bound
/// on the output), which fail with InvalidDataException and nothing else.
/// </summary>
[Trait("Category", "Slow")]
public sealed class XzDecoderTests
{
    private static byte[] Decode(byte[] xz, long maxOutput = long.MaxValue)
    {
        using var decoder = new XzDecoderStream(new MemoryStream(xz), maxOutput, CancellationToken.None);
        var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [Theory]
    [InlineData("--check=crc64", "-6")]
    [InlineData("--check=crc32", "-0")]
    [InlineData("--check=sha256", "-9e")]
    [InlineData("--check=none", "-1")]
    [InlineData("--check=crc64", "--block-size=50000")]
    [InlineData("--check=crc32", "--lzma2=preset=3,lc=0,lp=2,pb=0")]
    [InlineData("--check=crc64", "--lzma2=preset=6,lc=4,pb=4")]
    public void DecodesWhatXzMade(string check, string preset)
    {
        var data = XzTool.Sample(300_000, seed: preset.Length);
        Assert.Equal(data, Decode(XzTool.Compress(data, check, preset)));
    }

    [Fact]
    public void DecodesIncompressibleDataEmptyFilesAndConcatenatedStreams()
    {
        var noise = new byte[200_000];
        new Random(7).NextBytes(noise);
        Assert.Equal(noise, Decode(XzTool.Compress(noise, "-6")));
        Assert.Empty(Decode(XzTool.Compress([], "-6")));
        var a = XzTool.Sample(5000, 1);
        var b = XzTool.Sample(7000, 2);
        var both = XzTool.Compress(a, "--check=crc32").Concat(new byte[8]).Concat(XzTool.Compress(b, "--check=sha256")).ToArray();
        Assert.Equal(a.Concat(b).ToArray(), Decode(both));
    }

    [Fact]
    public void ABadCheckFailsTheRead()
    {
        var xz = XzTool.Compress(XzTool.Sample(50_000, 3), "--check=crc64", "-6");
        // The block's CRC64 is the 8 bytes before the index; the footer's backward size says where the index starts.
        var indexSize = (BitConverter.ToUInt32(xz, xz.Length - 8) + 1) * 4;
        var check = xz.Length - 12 - (int)indexSize - 8;
        xz[check] ^= 0x01;
        var e = Assert.Throws<InvalidDataException>(() => Decode(xz));
        Assert.Contains("integrity check", e.Message);
    }

    [Fact]
    public void TruncatedAndCorruptFilesFailCleanly()
    {
        var xz = XzTool.Compress(XzTool.Sample(40_000, 4), "--check=crc32", "--block-size=10000");
        for (var cut = 0; cut < xz.Length; cut += 37)
            Assert.Throws<InvalidDataException>(() => Decode(xz[..cut]));
        var random = new Random(11);
        for (var i = 0; i < 300; i++)
        {
            var broken = (byte[])xz.Clone();
            broken[random.Next(broken.Length)] ^= (byte)(1 << random.Next(8));
            // Every flipped bit is caught: by a header CRC, the LZMA2 structure, the range coder's end or the block check.
            Assert.Throws<InvalidDataException>(() => Decode(broken));
        }
        Assert.Contains("not an .xz file", Assert.Throws<InvalidDataException>(() => Decode("plain text, no xz here"u8.ToArray())).Message);
    }

    [Fact]
    public void OtherFiltersAndOversizedOutputAreRefused()
    {
        var data = XzTool.Sample(100_000, 5);
        Assert.Contains("only the LZMA2 filter", Assert.Throws<InvalidDataException>(() => Decode(XzTool.Compress(data, "--x86", "--lzma2"))).Message);
        Assert.Contains("more than 1000 bytes", Assert.Throws<InvalidDataException>(() => Decode(XzTool.Compress(data, "-6"), maxOutput: 1000)).Message);
        Assert.Contains("dictionary", Assert.Throws<InvalidDataException>(() =>
        {
            using var decoder = new XzDecoderStream(new MemoryStream(XzTool.Compress(data, "-6")), long.MaxValue, CancellationToken.None, maxDictionary: 1 << 20);
            decoder.CopyTo(Stream.Null);
        }).Message);
    }
}
