using System.Buffers;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Tests.MessagePack;

/// <summary>Small helpers so tests can write "encode this, expect these bytes" in one line.</summary>
internal static class Mp
{
    public delegate void WriteAction(ref MessagePackWriter writer);

    public static byte[] Encode(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        return buffer.WrittenSpan.ToArray();
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    /// <summary>Header hex followed by <paramref name="n"/> bytes of payload 0x61 ('a').</summary>
    public static byte[] Filled(int n, byte value = (byte)'a') => Enumerable.Repeat(value, n).ToArray();
}
