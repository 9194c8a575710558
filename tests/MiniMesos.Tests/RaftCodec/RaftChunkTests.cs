using MiniMesos.Core.Raft;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Wire;
using Xunit;

namespace MiniMesos.Tests.RaftCodec;

/// <summary>Cutting a Raft message into raft_chunk messages and joining them back, strictly (docs/protocol.md, "Chunked Raft messages").</summary>
public sealed class RaftChunkTests
{
    private const int ChunkBytes = 1000;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(999, 1)]
    [InlineData(1000, 1)]
    [InlineData(1001, 2)]
    [InlineData(1999, 2)]
    [InlineData(2000, 2)]
    [InlineData(2001, 3)]
    [InlineData(10_000, 10)]
    public void BytesAroundTheChunkBoundaryRoundTripThroughTheWireCodec(int size, int chunks)
    {
        var payload = Pattern(size);
        var assembler = new RaftChunkAssembler();
        var pieces = RaftChunking.Split(payload, 42, ChunkBytes).ToList();
        Assert.Equal(chunks, pieces.Count);
        byte[]? whole = null;
        foreach (var piece in pieces)
        {
            Assert.Null(whole); // nothing before the last chunk
            var frame = MessageCodec.Encode(piece);
            Assert.True(frame.Length <= RaftChunkCodec.FrameBytes(ChunkBytes), $"frame of {frame.Length} bytes");
            var decoded = Assert.IsType<RaftChunk>(MessageCodec.Decode(frame, MessagePackLimits.Default));
            Assert.Equal((42L, piece.Sequence, chunks, (long)size), (decoded.TransferId, decoded.Sequence, decoded.Count, decoded.TotalBytes));
            whole = assembler.Add(decoded);
        }
        Assert.Equal(payload, whole);
        Assert.False(assembler.InProgress);
    }

    [Fact]
    public void ASnapshotLargerThanAFrameCrossesInChunksThatEachFitOne()
    {
        var data = Pattern(20 * 1024 * 1024);
        var message = new RaftMessage(MessageKind.InstallSnapshot, 1, 2, 7)
        {
            Snapshot = new Snapshot(new SnapshotMetadata(123_456, 6, new ClusterConfig([1, 2, 3])), data),
        };
        var payload = RaftMessageCodec.EncodeMemory(message);
        Assert.True(payload.Length > WireOptions.DefaultMaxFrameBytes);
        // One frame's reader limits refuse it whole: this is what the chunks are for.
        Assert.Throws<ProtocolException>(() => RaftMessageCodec.Decode(payload.Span));

        var assembler = new RaftChunkAssembler();
        byte[]? whole = null;
        var count = 0;
        foreach (var chunk in RaftChunking.Split(payload, 1, RaftChunking.ChunkBytes(WireOptions.DefaultMaxFrameBytes)))
        {
            var frame = MessageCodec.Encode(chunk);
            Assert.True(frame.Length <= WireOptions.DefaultMaxFrameBytes);
            whole = assembler.Add((RaftChunk)MessageCodec.Decode(frame, MessagePackLimits.Default));
            count++;
        }
        Assert.Equal(6, count); // 20 MiB and a few bytes in 4 MiB pieces
        var joined = RaftMessageCodec.Decode(whole!, LargeMessageLimits.Reader);
        Assert.Equal(RaftMessageSamples.Describe(message with { Snapshot = null }), RaftMessageSamples.Describe(joined with { Snapshot = null }));
        Assert.Equal(message.Snapshot.Metadata, joined.Snapshot!.Metadata);
        Assert.Equal(data, joined.Snapshot.Data);
    }

    [Fact]
    public void OutOfOrderChunksAreRefused()
    {
        var chunks = Chunks(3000);
        var assembler = new RaftChunkAssembler();
        assembler.Add(chunks[0]);
        Assert.Contains("chunk 2 of transfer 7 is out of order: expected chunk 1", Refused(assembler, chunks[2]));
    }

    [Fact]
    public void ADuplicateChunkIsRefused()
    {
        var chunks = Chunks(3000);
        var assembler = new RaftChunkAssembler();
        assembler.Add(chunks[0]);
        assembler.Add(chunks[1]);
        Assert.Contains("chunk 1 of transfer 7 is out of order: expected chunk 2", Refused(assembler, chunks[1]));
    }

    [Fact]
    public void ATransferMustStartAtChunkZero()
    {
        Assert.Contains("chunk 1 of transfer 7 arrived with no transfer in progress", Refused(new RaftChunkAssembler(), Chunks(3000)[1]));
    }

    [Fact]
    public void OnlyOneTransferAtATime()
    {
        var assembler = new RaftChunkAssembler();
        assembler.Add(Chunks(3000)[0]);
        var other = RaftChunking.Split(Pattern(3000), 8, ChunkBytes).First();
        Assert.Contains("transfer 8 started while transfer 7 is at chunk 1 of 3", Refused(assembler, other));
    }

    [Fact]
    public void ATransferOverTheCapIsRefusedBeforeAnythingIsKept()
    {
        var assembler = new RaftChunkAssembler(maxBytes: 2500);
        Assert.Contains("transfer 7 announces 3000 bytes: must be 1 to 2500", Refused(assembler, Chunks(3000)[0]));
        Assert.False(assembler.InProgress);
        Assert.Contains("transfer 9 announces 0 bytes", Refused(assembler, new RaftChunk(9, 0, 1, 0, new byte[1])));
        Assert.Contains("announces 5 chunks for 3 bytes", Refused(assembler, new RaftChunk(9, 0, 5, 3, new byte[1])));
    }

    [Fact]
    public void ChunksCarryingMoreOrLessThanAnnouncedAreRefused()
    {
        var assembler = new RaftChunkAssembler();
        Assert.Contains("chunk 0 of transfer 7 goes past the announced 10 bytes", Refused(assembler, new RaftChunk(7, 0, 2, 10, new byte[11])));
        assembler.Add(new RaftChunk(7, 0, 2, 10, new byte[4]));
        Assert.Contains("transfer 7 ended with 9 of the announced 10 bytes", Refused(assembler, new RaftChunk(7, 1, 2, 10, new byte[5])));
        Assert.Contains("transfer 7 has all its 10 bytes at chunk 0 of 2", Refused(assembler, new RaftChunk(7, 0, 2, 10, new byte[10])));
        Assert.Contains("chunk 0 of transfer 7 is empty", Refused(assembler, new RaftChunk(7, 0, 2, 10, Array.Empty<byte>())));
        assembler.Add(new RaftChunk(7, 0, 2, 10, new byte[4]));
        Assert.Contains("chunk 1 of transfer 7 announces 3 chunks and 10 bytes, not 2 and 10", Refused(assembler, new RaftChunk(7, 1, 3, 10, new byte[6])));
    }

    [Fact]
    public void AfterARefusalANewTransferStartsClean()
    {
        var assembler = new RaftChunkAssembler();
        var chunks = Chunks(2500);
        assembler.Add(chunks[0]);
        Refused(assembler, chunks[2]);
        Assert.False(assembler.InProgress);
        Assert.Null(assembler.Add(chunks[0]));
        Assert.Null(assembler.Add(chunks[1]));
        Assert.Equal(Pattern(2500), assembler.Add(chunks[2]));
    }

    [Fact]
    public void AMalformedChunkMessageNamesTheField()
    {
        var frame = MessageCodec.Encode(new RaftChunk(1, 0, 1, 3, new byte[3]));
        // Turn the "data" key into "datb": the message then lacks its data field.
        var at = IndexOf(frame, "data"u8.ToArray());
        frame[at + 3] = (byte)'b';
        var e = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(frame, MessagePackLimits.Default));
        Assert.Contains("'data'", e.Message);
    }

    [Fact]
    public void TheDocumentedExampleIsWhatTheEncoderWrites()
    {
        // docs/protocol.md, "Chunked Raft messages".
        var frame = MessageCodec.Encode(RaftChunking.Split(new byte[] { 1, 2, 3, 4, 5 }, 1, 3).First());
        Assert.Equal("86a174aa726166745f6368756e6ba2696401a373657100a5636f756e7402a473697a6505a464617461c403010203", Convert.ToHexString(frame).ToLowerInvariant());
    }

    [Fact]
    public void NoChunkSizeFitsAFrameTooSmallForTheEnvelope()
    {
        Assert.Equal(RaftChunking.DefaultChunkBytes, RaftChunking.ChunkBytes(WireOptions.DefaultMaxFrameBytes));
        Assert.Equal(1000 - RaftChunkCodec.FrameBytes(0), RaftChunking.ChunkBytes(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => RaftChunking.ChunkBytes(RaftChunkCodec.FrameBytes(0)));
    }

    private static List<RaftChunk> Chunks(int size) => RaftChunking.Split(Pattern(size), 7, ChunkBytes).ToList();

    private static string Refused(RaftChunkAssembler assembler, RaftChunk chunk) =>
        Assert.Throws<ProtocolException>(() => assembler.Add(chunk)).Message;

    private static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++) bytes[i] = (byte)(i * 31 + (i >> 8));
        return bytes;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }
}
