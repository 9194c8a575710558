using System.Buffers;
using MiniMesos.Core.Raft;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;
using Xunit;

namespace MiniMesos.Tests.RaftCodec;

public sealed class RaftMessageCodecTests
{
    public static TheoryData<int> SampleIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < RaftMessageSamples.All().Count(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(SampleIndexes))]
    public void RoundTrips(int sample)
    {
        var message = RaftMessageSamples.All().ElementAt(sample);
        var bytes = RaftMessageCodec.Encode(message);
        var decoded = RaftMessageCodec.Decode(bytes);
        Assert.Equal(RaftMessageSamples.Describe(message), RaftMessageSamples.Describe(decoded));
        Assert.Equal(bytes, RaftMessageCodec.Encode(decoded));
    }

    [Fact]
    public void EveryKindIsCovered()
    {
        Assert.Equal(Enum.GetValues<MessageKind>().Order(), RaftMessageSamples.All().Select(m => m.Kind).Distinct().Order());
    }

    [Fact]
    public void FitsTheApplicationMessageFraming()
    {
        var bytes = RaftMessageCodec.Encode(new RaftMessage(MessageKind.Heartbeat, 1, 2, 3) { Commit = 5, Context = 7 });
        // The example in docs/protocol.md.
        Assert.Equal("87A174A472616674A46B696E6406A466726F6D01A2746F02A47465726D03A6636F6D6D697405A7636F6E7465787407", Convert.ToHexString(bytes));
        Assert.Equal("raft", WireFields.Read(bytes, MessagePackLimits.Default).MessageType);
    }

    [Fact]
    public void IgnoresUnknownKeysInAnyOrder()
    {
        var decoded = RaftMessageCodec.Decode(Map((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(6);
            w.WriteString("future"); w.WriteArrayHeader(1); w.WriteString("x");
            w.WriteString("term"); w.WriteUInt64(3);
            w.WriteString("to"); w.WriteUInt64(2);
            w.WriteString("kind"); w.WriteUInt64((byte)MessageKind.TimeoutNow);
            w.WriteString("from"); w.WriteUInt64(1);
            w.WriteString("t"); w.WriteString("raft");
        }));
        Assert.Equal(RaftMessageSamples.Describe(new RaftMessage(MessageKind.TimeoutNow, 1, 2, 3)), RaftMessageSamples.Describe(decoded));
    }

    [Theory]
    [InlineData("t", "field 't'")]
    [InlineData("kind", "field 'kind'")]
    [InlineData("term", "field 'term'")]
    public void NamesAMissingField(string left, string expected)
    {
        var fields = new[] { ("t", (object)"raft"), ("kind", 3UL), ("from", 1UL), ("to", 2UL), ("term", 3UL) }.Where(f => f.Item1 != left).ToArray();
        var e = Assert.Throws<ProtocolException>(() => RaftMessageCodec.Decode(Map((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(fields.Length);
            foreach (var (key, value) in fields)
            {
                w.WriteString(key);
                if (value is string s) w.WriteString(s); else w.WriteUInt64((ulong)value);
            }
        })));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void RejectsWhatRaftCouldNotUse()
    {
        var append = new RaftMessage(MessageKind.Append, 1, 2, 3) { Index = 4, Entries = [new LogEntry(5, 3, EntryType.Normal, [1])] };
        Assert.Contains("does not follow", Reject(append with { Index = 7 }));
        Assert.Contains("cannot carry entries", Reject(append with { Kind = MessageKind.Heartbeat }));
        Assert.Contains("without a snapshot", Reject(new RaftMessage(MessageKind.InstallSnapshot, 1, 2, 3)));
        var gap = append with { Entries = [new LogEntry(5, 3, EntryType.Normal, []), new LogEntry(7, 3, EntryType.Normal, [])] };
        Assert.Contains("not consecutive", Reject(gap));
        var bytes = RaftMessageCodec.Encode(new RaftMessage(MessageKind.TimeoutNow, 1, 2, 3));
        bytes[Array.IndexOf(bytes, (byte)MessageKind.TimeoutNow)] = 10; // an unknown kind
        Assert.Contains("field 'kind'", Assert.Throws<ProtocolException>(() => RaftMessageCodec.Decode(bytes)).Message);
        Assert.Contains("trailing", Assert.Throws<ProtocolException>(() => RaftMessageCodec.Decode([.. RaftMessageCodec.Encode(append), 0xc0])).Message);
        var wrongType = RaftMessageCodec.Encode(append);
        wrongType[2] = (byte)'x'; // "t": "raft" -> "t": "xaft"
        Assert.Contains("field 't'", Assert.Throws<ProtocolException>(() => RaftMessageCodec.Decode(wrongType)).Message);
    }

    /// <summary>Mutated valid messages and random bytes: either a message that re-encodes stably, or a ProtocolException; nothing else.</summary>
    [Fact]
    public void FuzzedInputsOnlyThrowProtocolException()
    {
        var random = new Random(20261122);
        var seeds = RaftMessageSamples.All().Select(RaftMessageCodec.Encode).ToArray();
        var limits = MessagePackLimits.Default with { MaxDepth = 16, MaxCollectionCount = 10_000 };
        int decoded = 0, rejected = 0;
        for (var i = 0; i < 30_000; i++)
        {
            var input = Mutate(random, seeds[random.Next(seeds.Length)]);
            try
            {
                var message = RaftMessageCodec.Decode(input, limits);
                decoded++;
                var again = RaftMessageCodec.Decode(RaftMessageCodec.Encode(message), limits);
                Assert.Equal(RaftMessageSamples.Describe(message), RaftMessageSamples.Describe(again));
            }
            catch (ProtocolException)
            {
                rejected++;
            }
        }
        Assert.True(decoded > 100 && rejected > 10_000, $"decoded {decoded}, rejected {rejected}");
    }

    internal static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0: bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8)); break;
                case 1 when bytes.Count > 0: bytes[random.Next(bytes.Count)] = (byte)random.Next(256); break;
                case 2 when bytes.Count > 0: bytes.RemoveRange(random.Next(bytes.Count), 1); break;
                case 3: bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256)); break;
                case 4 when bytes.Count > 0:
                    var keep = random.Next(bytes.Count); // truncate
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                default:
                    var junk = new byte[random.Next(1, 16)];
                    random.NextBytes(junk);
                    bytes.InsertRange(random.Next(bytes.Count + 1), junk);
                    break;
            }
        }
        return [.. bytes];
    }

    private static string Reject(RaftMessage message) =>
        Assert.Throws<ProtocolException>(() => RaftMessageCodec.Decode(RaftMessageCodec.Encode(message))).Message;

    private delegate void Writer(ref MessagePackWriter w);

    private static byte[] Map(Writer write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        write(ref w);
        return buffer.WrittenSpan.ToArray();
    }
}
