namespace MiniMesos.Core.Compression;

/// <summary>CRC-64 (ECMA-182, reflected polynomial 0xC96C5795D7870F42), xz's default block check.</summary>
internal static class Crc64
{
    private static readonly ulong[] Table = Make();

    private static ulong[] Make()
    {
        var table = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xC96C_5795_D787_0F42 ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }

    /// <summary>Continues <paramref name="crc"/> (0 to start) over <paramref name="data"/>.</summary>
    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
