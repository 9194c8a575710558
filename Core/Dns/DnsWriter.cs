using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace MiniMesos.Core.Dns;

/// <summary>Builds DNS wire bytes, compressing names against earlier ones (RFC 1035 §4.1.4) when asked to.</summary>
internal sealed class DnsWriter(bool compress = true)
{
    // Pointers hold 14 bits, so only suffixes that start in the first 16 KiB can be targets.
    private const int MaxPointerOffset = 0x3FFF;

    private readonly Dictionary<string, int> _suffixOffsets = new(StringComparer.Ordinal);
    private byte[] _buffer = new byte[512];

    public int Length { get; private set; }

    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[Length++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(Length), value);
        Length += 2;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(Length), value);
        Length += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    public void WriteAddress(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        WriteBytes(bytes[..written]);
    }

    /// <summary>Overwrites a 16-bit value written earlier (used for rdata lengths and counts).</summary>
    public void PatchUInt16(int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(offset), value);

    public void WriteName(DnsName name) => WriteName(name, compress);

    public void WriteNameUncompressed(DnsName name) => WriteName(name, false);

    private void WriteName(DnsName name, bool useCompression)
    {
        var labels = name.Labels;
        for (var i = 0; i < labels.Count; i++)
        {
            var key = SuffixKey(labels, i);
            if (useCompression && _suffixOffsets.TryGetValue(key, out var target))
            {
                WriteUInt16((ushort)(0xC000 | target));
                return;
            }
            if (useCompression && Length <= MaxPointerOffset) _suffixOffsets.TryAdd(key, Length);
            var bytes = Encoding.UTF8.GetBytes(labels[i]);
            WriteByte((byte)bytes.Length);
            WriteBytes(bytes);
        }
        WriteByte(0);
    }

    private static string SuffixKey(IReadOnlyList<string> labels, int start)
    {
        var sb = new StringBuilder();
        for (var i = start; i < labels.Count; i++)
        {
            // Labels are compared case-insensitively; the separator cannot be confused with label text
            // because the label length is part of the key.
            var label = labels[i].ToUpperInvariant();
            sb.Append(label.Length).Append(':').Append(label).Append('/');
        }
        return sb.ToString();
    }

    private void Ensure(int extra)
    {
        if (Length + extra <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + extra));
    }
}
