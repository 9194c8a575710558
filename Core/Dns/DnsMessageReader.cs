using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace MiniMesos.Core.Dns;

/// <summary>
/// Reads a DNS message from untrusted bytes. Every malformation (truncation, bad or looping compression
/// pointers, oversize labels or names, counts the packet cannot hold, rdata that does not fit its type)
/// ends in one <see cref="DnsFormatException"/>; allocations are bounded by the packet length.
/// </summary>
internal static class DnsMessageReader
{
    private const int HeaderLength = 12;
    private const int MinQuestionLength = 5;   // root name + type + class
    private const int MinRecordLength = 11;    // root name + type + class + ttl + rdlength

    public static DnsMessage Read(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < HeaderLength) throw new DnsFormatException("packet shorter than the DNS header");
        var header = new DnsHeader(U16(packet, 0), U16(packet, 2));
        int qd = U16(packet, 4), an = U16(packet, 6), ns = U16(packet, 8), ar = U16(packet, 10);
        // Reject counts the packet cannot hold before allocating anything sized by them.
        if ((long)qd * MinQuestionLength + (long)(an + ns + ar) * MinRecordLength > packet.Length - HeaderLength)
        {
            throw new DnsFormatException("section counts larger than the packet can hold");
        }
        var pos = HeaderLength;
        var questions = new List<DnsQuestion>(qd);
        for (var i = 0; i < qd; i++)
        {
            var name = ReadName(packet, ref pos, packet.Length);
            var type = U16(packet, Need(packet, pos, 4));
            var cls = U16(packet, pos + 2);
            pos += 4;
            questions.Add(new DnsQuestion(name, type, (ushort)(cls & 0x7FFF), (cls & DnsType.UnicastResponseBit) != 0));
        }
        var answers = ReadRecords(packet, ref pos, an);
        var authorities = ReadRecords(packet, ref pos, ns);
        var additionals = ReadRecords(packet, ref pos, ar);
        // Trailing bytes are tolerated: some stacks pad datagrams.
        return new DnsMessage(header, questions, answers, authorities, additionals);
    }

    private static List<DnsRecord> ReadRecords(ReadOnlySpan<byte> packet, ref int pos, int count)
    {
        var records = new List<DnsRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var name = ReadName(packet, ref pos, packet.Length);
            Need(packet, pos, 10);
            var type = U16(packet, pos);
            var cls = U16(packet, pos + 2);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(packet[(pos + 4)..]);
            int rdLength = U16(packet, pos + 8);
            pos += 10;
            Need(packet, pos, rdLength);
            var data = ReadData(packet, pos, rdLength, type);
            pos += rdLength;
            records.Add(new DnsRecord(name, ttl, data, (ushort)(cls & 0x7FFF), (cls & DnsType.CacheFlushBit) != 0));
        }
        return records;
    }

    private static DnsRecordData ReadData(ReadOnlySpan<byte> packet, int start, int length, ushort type)
    {
        var end = start + length;
        var pos = start;
        DnsRecordData data;
        switch (type)
        {
            case DnsType.A:
                ExpectLength(length, 4, "A");
                data = new AddressRecordData(new IPAddress(packet.Slice(start, 4)));
                pos = end;
                break;
            case DnsType.Aaaa:
                ExpectLength(length, 16, "AAAA");
                data = new AddressRecordData(new IPAddress(packet.Slice(start, 16)));
                pos = end;
                break;
            case DnsType.Ptr:
                data = new PtrRecordData(ReadName(packet, ref pos, end));
                break;
            case DnsType.Srv:
                if (length < 7) throw new DnsFormatException("SRV rdata too short");
                var priority = U16(packet, pos);
                var weight = U16(packet, pos + 2);
                var port = U16(packet, pos + 4);
                pos += 6;
                data = new SrvRecordData(priority, weight, port, ReadName(packet, ref pos, end));
                break;
            case DnsType.Txt:
                data = ReadTxt(packet, ref pos, end);
                break;
            case DnsType.Soa:
                var primary = ReadName(packet, ref pos, end);
                var mailbox = ReadName(packet, ref pos, end);
                if (end - pos != 20) throw new DnsFormatException("SOA rdata must end with five 32-bit values");
                data = new SoaRecordData(primary, mailbox, U32(packet, pos), U32(packet, pos + 4), U32(packet, pos + 8), U32(packet, pos + 12), U32(packet, pos + 16));
                pos = end;
                break;
            case DnsType.Nsec:
                var next = ReadName(packet, ref pos, end);
                data = new NsecRecordData(next, ReadTypeBitmapLeniently(packet, ref pos, end));
                break;
            default:
                data = new UnknownRecordData(type, packet.Slice(start, length).ToArray());
                pos = end;
                break;
        }
        if (pos != end) throw new DnsFormatException($"rdata of type {type} does not fill its length");
        return data;
    }

    private static TxtRecordData ReadTxt(ReadOnlySpan<byte> packet, ref int pos, int end)
    {
        var strings = new List<byte[]>();
        while (pos < end)
        {
            int n = packet[pos++];
            if (pos + n > end) throw new DnsFormatException("TXT string runs past its rdata");
            strings.Add(packet.Slice(pos, n).ToArray());
            pos += n;
        }
        return new TxtRecordData(strings);
    }

    /// <summary>
    /// The record is framed correctly, so a bad bitmap only costs its type list: python-zeroconf 0.47 writes
    /// the window and length as 16-bit values, and rejecting its whole packet would hide its services.
    /// </summary>
    private static List<ushort> ReadTypeBitmapLeniently(ReadOnlySpan<byte> packet, ref int pos, int end)
    {
        try
        {
            return ReadTypeBitmap(packet, ref pos, end);
        }
        catch (DnsFormatException)
        {
            pos = end;
            return [];
        }
    }

    private static List<ushort> ReadTypeBitmap(ReadOnlySpan<byte> packet, ref int pos, int end)
    {
        var types = new List<ushort>();
        var lastWindow = -1;
        while (pos < end)
        {
            if (end - pos < 2) throw new DnsFormatException("NSEC bitmap window header truncated");
            int window = packet[pos], length = packet[pos + 1];
            pos += 2;
            if (window <= lastWindow) throw new DnsFormatException("NSEC bitmap windows out of order");
            if (length is < 1 or > 32 || pos + length > end) throw new DnsFormatException("NSEC bitmap length invalid");
            for (var i = 0; i < length; i++)
            {
                var bits = packet[pos + i];
                for (var b = 0; b < 8; b++)
                {
                    if ((bits & (0x80 >> b)) != 0) types.Add((ushort)((window << 8) | (i << 3) | b));
                }
            }
            lastWindow = window;
            pos += length;
        }
        return types;
    }

    /// <summary>
    /// Reads a possibly compressed name starting at <paramref name="pos"/>; its inline part must end before
    /// <paramref name="limit"/>. Each pointer must jump strictly before the segment it was found in, so
    /// following pointers always terminates.
    /// </summary>
    private static DnsName ReadName(ReadOnlySpan<byte> packet, ref int pos, int limit)
    {
        var labels = new List<string>();
        var wireLength = 1;
        var cursor = pos;
        var segmentStart = pos;
        var jumped = false;
        while (true)
        {
            if (cursor >= limit) throw new DnsFormatException("name runs past the end of its data");
            int len = packet[cursor];
            if (len == 0)
            {
                cursor++;
                break;
            }
            switch (len & 0xC0)
            {
                case 0xC0:
                    if (cursor + 1 >= limit) throw new DnsFormatException("compression pointer truncated");
                    var target = ((len & 0x3F) << 8) | packet[cursor + 1];
                    if (target >= segmentStart) throw new DnsFormatException("compression pointer does not point backwards");
                    if (!jumped) pos = cursor + 2;
                    jumped = true;
                    // After the first jump the name may continue anywhere earlier in the message.
                    limit = segmentStart;
                    cursor = segmentStart = target;
                    continue;
                case 0x00:
                    if (cursor + 1 + len > limit) throw new DnsFormatException("label runs past the end of its data");
                    wireLength += 1 + len;
                    if (wireLength > DnsName.MaxNameBytes) throw new DnsFormatException("name longer than 255 bytes");
                    var label = Encoding.UTF8.GetString(packet.Slice(cursor + 1, len));
                    labels.Add(label);
                    cursor += 1 + len;
                    break;
                default:
                    throw new DnsFormatException("reserved label type");
            }
        }
        if (!jumped) pos = cursor;
        // The constructor re-checks lengths: undecodable bytes widen when re-encoded as UTF-8.
        return new DnsName(labels);
    }

    private static void ExpectLength(int actual, int expected, string what)
    {
        if (actual != expected) throw new DnsFormatException($"{what} rdata must be {expected} bytes, got {actual}");
    }

    private static int Need(ReadOnlySpan<byte> packet, int pos, int count)
    {
        if (pos + count > packet.Length) throw new DnsFormatException("packet truncated");
        return pos;
    }

    private static uint U32(ReadOnlySpan<byte> packet, int offset) => BinaryPrimitives.ReadUInt32BigEndian(packet[offset..]);

    private static ushort U16(ReadOnlySpan<byte> packet, int offset) => BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
}
