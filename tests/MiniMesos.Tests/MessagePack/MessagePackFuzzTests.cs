using System.Diagnostics;
using MiniMesos.Net.MessagePack;
using Xunit;
using Xunit.Abstractions;

namespace MiniMesos.Tests.MessagePack;

/// <summary>
/// Random and mutated inputs through the generic tree, Skip and typed reads: only MessagePackException may
/// escape, and allocation per input stays proportional to the input's size.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MessagePackFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 120_000;
    // Tree nodes cost well under 200 bytes per input byte; the fixed part covers the exception object.
    private const long AllocBytesPerInputByte = 200;
    private const long AllocFixedBytes = 32 * 1024;

    [Fact]
    public void OnlyMessagePackExceptionEscapesAndAllocationStaysBounded()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("MINIMESOS_FUZZ_SEED"), out int s) ? s : Random.Shared.Next();
        output.WriteLine($"fuzz seed {seed} (set MINIMESOS_FUZZ_SEED to replay)");
        var rng = new Random(seed);
        var valid = new List<byte[]>();
        for (int i = 0; i < 300; i++)
            valid.Add(MessagePackCorpus.RandomValue(rng, 0, single: i % 3 == 0, allowNegativeExt: i % 2 == 0).ToBytes());

        var sw = Stopwatch.StartNew();
        int accepted = 0, rejected = 0;
        long worstAlloc = 0;
        for (int n = 0; n < Inputs; n++)
        {
            byte[] input = MakeInput(rng, valid);
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool ok;
            try
            {
                ok = RunReaders(input, rng.Next());
            }
            catch (Exception e) when (e is not MessagePackException)
            {
                throw new Xunit.Sdk.XunitException(
                    $"seed {seed}, input #{n} {Convert.ToHexStringLower(input.AsSpan(0, Math.Min(input.Length, 64)))}: {e}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worstAlloc = Math.Max(worstAlloc, allocated);
            Assert.True(allocated <= AllocFixedBytes + AllocBytesPerInputByte * input.Length,
                $"seed {seed}, input #{n} of {input.Length} bytes allocated {allocated} bytes");
            if (ok) accepted++; else rejected++;
        }
        sw.Stop();
        output.WriteLine($"{Inputs} inputs in {sw.Elapsed.TotalSeconds:F1} s: {accepted} fully valid, {rejected} rejected; worst allocation {worstAlloc} bytes");
        Assert.True(accepted > 1000 && rejected > 1000, $"mutation mix degenerated: {accepted} valid, {rejected} rejected");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"fuzzing took {sw.Elapsed}");
    }

    /// <summary>Returns true when every reader accepted the input; MessagePackException means rejected.</summary>
    private static bool RunReaders(byte[] input, int choice)
    {
        bool ok = true;
        try
        {
            var reader = new MessagePackReader(input);
            while (!reader.End)
            {
                MessagePackValue v = MessagePackValue.Read(ref reader);
                // A value we accept must survive our own round trip unchanged (canonical bytes compare values).
                byte[] again = v.ToBytes();
                if (!MessagePackValue.Parse(again).ToBytes().AsSpan().SequenceEqual(again))
                    throw new InvalidOperationException("round trip changed the value");
            }
        }
        catch (MessagePackException)
        {
            ok = false;
        }
        try
        {
            var reader = new MessagePackReader(input);
            while (!reader.End)
                reader.Skip();
        }
        catch (MessagePackException)
        {
            ok = false;
        }
        try
        {
            TypedWalk(input, choice);
        }
        catch (MessagePackException)
        {
        }
        return ok;
    }

    /// <summary>Calls typed readers, sometimes the wrong one on purpose, as application code might.</summary>
    private static void TypedWalk(byte[] input, int choice)
    {
        var reader = new MessagePackReader(input);
        uint state = (uint)choice | 1;
        for (int steps = 0; !reader.End && steps < 64; steps++)
        {
            // xorshift: a cheap per-input sequence of reader calls.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            switch (state % 12)
            {
                case 0: reader.ReadInt64(); break;
                case 1: reader.ReadUInt64(); break;
                case 2: reader.ReadInt32(); break;
                case 3: reader.ReadDouble(); break;
                case 4: reader.ReadString(); break;
                case 5: reader.ReadBinarySpan(); break;
                case 6: reader.ReadArrayHeader(); break;
                case 7: reader.ReadMapHeader(); break;
                case 8: reader.ReadTimestamp(); break;
                case 9: reader.ReadExtension(); break;
                case 10: reader.ReadSingle(); break;
                default:
                    if (!reader.TryReadNil())
                    {
                        _ = reader.PeekType();
                        reader.Skip();
                    }
                    break;
            }
        }
    }

    private static readonly byte[] LengthCodes = [0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf];

    private static byte[] MakeInput(Random rng, List<byte[]> valid)
    {
        byte[] b = (byte[])valid[rng.Next(valid.Count)].Clone();
        switch (rng.Next(9))
        {
            case 0: // untouched valid input
                return b;
            case 1: // bit flips
                for (int i = rng.Next(1, 5); i > 0 && b.Length > 0; i--)
                    b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                return b;
            case 2: // truncation
                return b[..rng.Next(b.Length + 1)];
            case 3: // length-field inflation: a length code with a huge or slightly-too-big length
            {
                int at = rng.Next(b.Length + 1);
                byte code = LengthCodes[rng.Next(LengthCodes.Length)];
                byte[] len = rng.Next(3) switch
                {
                    0 => [0xff, 0xff, 0xff, 0xff],
                    1 => [0x7f, 0xff, 0xff, 0xff],
                    _ => [0x00, 0x00, (byte)rng.Next(256), (byte)rng.Next(256)],
                };
                return [.. b[..at], code, .. len, .. b[at..]];
            }
            case 4: // deep nesting of arrays or maps, sometimes past the limit
            {
                int depth = rng.Next(2) == 0 ? rng.Next(1, 80) : rng.Next(80, 5000);
                bool maps = rng.Next(2) == 0;
                var nest = new List<byte>(depth * 2 + b.Length);
                for (int i = 0; i < depth; i++)
                {
                    nest.Add(maps ? (byte)0x81 : (byte)0x91);
                    if (maps) nest.Add(0x00);
                }
                nest.AddRange(b);
                return nest.ToArray();
            }
            case 5: // random bytes
            {
                var r = new byte[rng.Next(0, 48)];
                rng.NextBytes(r);
                return r;
            }
            case 6: // random bytes overwritten, including the reserved 0xc1
                for (int i = rng.Next(1, 4); i > 0 && b.Length > 0; i--)
                    b[rng.Next(b.Length)] = rng.Next(4) == 0 ? (byte)0xc1 : (byte)rng.Next(256);
                return b;
            case 7: // splice of two inputs
            {
                byte[] other = valid[rng.Next(valid.Count)];
                return [.. b[..rng.Next(b.Length + 1)], .. other[rng.Next(other.Length + 1)..]];
            }
            default: // header count raised by one
            {
                if (b.Length > 0 && (b[0] & 0xe0) == 0x80 && (b[0] & 0x0f) < 15)
                    b[0]++;
                else if (b.Length > 0)
                    b[^1] ^= 0xff;
                return b;
            }
        }
    }
}
