using System.Text;
using MiniMesos.Net.MessagePack;
using V = MiniMesos.Net.MessagePack.MessagePackValue;

namespace MiniMesos.Tests.MessagePack;

/// <summary>
/// The C#-side oracle corpus: every format and boundary plus seeded random trees. Mode tells the oracle
/// how to re-encode (see msgpack_oracle.py): f64, f32 (all floats float32) or decode (negative ext types).
/// </summary>
internal static class MessagePackCorpus
{
    public sealed record Item(byte[] Bytes, string Mode, string Description);

    public static List<Item> Build(int seed)
    {
        var items = new List<Item>();
        void Add(V v, string mode = "f64") => items.Add(new Item(v.ToBytes(), mode, v.ToString()));

        long[] signed = [0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, long.MaxValue,
            -1, -32, -33, -128, -129, -32768, -32769, int.MinValue, (long)int.MinValue - 1, long.MinValue];
        foreach (long i in signed)
            Add(V.Integer(i));
        Add(V.Integer(ulong.MaxValue));
        Add(V.Integer((ulong)long.MaxValue + 1));

        foreach (double d in new[] { 0.0, -0.0, 1.5, 0.1, double.PositiveInfinity, double.NegativeInfinity, double.NaN,
                     double.Epsilon, double.MaxValue, double.MinValue, BitConverter.Int64BitsToDouble(0x7ff0000000000001) })
            Add(V.Double(d));
        foreach (float f in new[] { 0f, -0f, 1.5f, 0.1f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, float.MaxValue })
            Add(V.Single(f), "f32");

        foreach (int n in new[] { 0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536 })
        {
            Add(V.String(new string('s', n)));
            Add(V.Binary(Enumerable.Range(0, n).Select(i => (byte)i).ToArray()));
            Add(V.Array(Enumerable.Repeat(V.Nil, n).ToArray()));
            Add(V.Map(Enumerable.Range(0, n).Select(i => KeyValuePair.Create(V.Integer(i), V.Boolean(i % 2 == 0))).ToArray()));
        }
        Add(V.String("é€😀 ünïcødé"));
        foreach (int n in new[] { 0, 1, 2, 3, 4, 5, 8, 12, 16, 17, 255, 256, 65535, 65536 })
        {
            Add(V.Extension(42, Enumerable.Repeat((byte)0xa5, n).ToArray()));
            Add(V.Extension(-2, Enumerable.Repeat((byte)0x5a, n).ToArray()), "decode");
        }
        Add(V.Extension(127, [1]));
        Add(V.Extension(-128, [1, 2]), "decode");
        foreach (var (s, ns) in new (long, uint)[] { (0, 0), (uint.MaxValue, 0), (1L << 32, 0), (0, 1), ((1L << 34) - 1, 999_999_999),
                     (1L << 34, 0), (-1, 0), (-1, 999_999_999), (long.MinValue, 0), (long.MaxValue, 999_999_999), (1_700_000_000, 123_456_789) })
            Add(V.Timestamp(new MessagePackTimestamp(s, ns)));

        // Direct writer calls (not through the tree), described by hand.
        items.Add(new Item(Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(new DateTimeOffset(1969, 12, 31, 23, 59, 59, 500, TimeSpan.Zero))),
            "f64", "t:-1:500000000"));
        items.Add(new Item(Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(DateTimeOffset.UnixEpoch.AddSeconds(1))), "f64", "t:1:0"));
        items.Add(new Item(Mp.Encode((ref MessagePackWriter w) => w.WriteString(null)), "f64", "nil"));
        items.Add(new Item(Mp.Encode((ref MessagePackWriter w) => w.WriteStringUtf8("hé"u8)), "f64", "s:68c3a9"));
        items.Add(new Item(Mp.Encode((ref MessagePackWriter w) => { w.WriteMapHeader(1); w.WriteString("t"); w.WriteString("hello"); }),
            "f64", "{s:74=s:68656c6c6f}"));

        var rng = new Random(seed);
        for (int i = 0; i < 1500; i++)
        {
            bool single = i % 5 == 0;
            Add(RandomValue(rng, 0, single, allowNegativeExt: false), single ? "f32" : "f64");
        }
        for (int i = 0; i < 100; i++)
            Add(RandomValue(rng, 0, single: false, allowNegativeExt: true), "decode");
        return items;
    }

    public static V RandomValue(Random rng, int depth, bool single, bool allowNegativeExt)
    {
        if (depth >= 4 || rng.NextDouble() < 0.4)
            return RandomScalar(rng, single, allowNegativeExt);
        int[] sizes = depth == 0 ? [0, 1, 2, 3, 5, 15, 16, 17] : [0, 1, 2, 3];
        int n = sizes[rng.Next(sizes.Length)];
        if (rng.Next(2) == 0)
            return V.Array(Enumerable.Range(0, n).Select(_ => RandomValue(rng, depth + 1, single, allowNegativeExt)).ToArray());
        // Distinct keys: Python merges keys that compare equal.
        return V.Map(Enumerable.Range(0, n).Select(i => KeyValuePair.Create(
            rng.NextDouble() < 0.7 ? V.String("k" + i) : V.Integer(i * 1000L + 7),
            RandomValue(rng, depth + 1, single, allowNegativeExt))).ToArray());
    }

    private static V RandomScalar(Random rng, bool single, bool allowNegativeExt)
    {
        switch (rng.Next(10))
        {
            case 0: return rng.Next(3) switch { 0 => V.Nil, 1 => V.True, _ => V.False };
            case 3:
                if (single)
                {
                    float f = BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31));
                    return V.Single(float.IsNaN(f) ? float.NaN : f); // the oracle's C float cast quiets NaN payloads
                }
                return V.Double(BitConverter.Int64BitsToDouble(rng.NextInt64() ^ ((long)rng.Next(2) << 63)));
            case 4:
            case 5:
                int[] lengths = [0, 1, 5, 31, 32, 40, 255, 256];
                return V.String(RandomText(rng, lengths[rng.Next(lengths.Length)]));
            case 6:
                var bin = new byte[new[] { 0, 1, 7, 255, 256 }[rng.Next(5)]];
                rng.NextBytes(bin);
                return V.Binary(bin);
            case 7:
                var data = new byte[new[] { 0, 1, 2, 3, 4, 8, 16, 17 }[rng.Next(8)]];
                rng.NextBytes(data);
                sbyte type = allowNegativeExt ? (sbyte)rng.Next(-128, -1) : (sbyte)rng.Next(0, 128);
                return V.Extension(type, data);
            case 8:
                return rng.Next(3) switch
                {
                    0 => V.Timestamp(new MessagePackTimestamp(rng.NextInt64(0, 1L << 32), 0)),
                    1 => V.Timestamp(new MessagePackTimestamp(rng.NextInt64(0, 1L << 34), (uint)rng.Next(0, 1_000_000_000))),
                    _ => V.Timestamp(new MessagePackTimestamp(rng.NextInt64(long.MinValue, long.MaxValue), (uint)rng.Next(0, 1_000_000_000))),
                };
            default:
                int bits = new[] { 3, 5, 7, 8, 15, 16, 31, 32, 63, 64 }[rng.Next(10)];
                ulong raw = (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63);
                ulong magnitude = bits == 64 ? raw : raw & ((1UL << bits) - 1);
                return rng.Next(2) == 0 || bits == 64 ? V.Integer(magnitude) : V.Integer(-(long)Math.Max(1UL, magnitude));
        }
    }

    private static string RandomText(Random rng, int codePoints)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++)
        {
            double k = rng.NextDouble();
            int cp = k < 0.6 ? rng.Next(0x20, 0x7f)
                : k < 0.75 ? rng.Next(0x80, 0x800)
                : k < 0.9 ? rng.Next(0x800, 0xfffe)
                : rng.Next(0x10000, 0x110000);
            if (cp is >= 0xd800 and <= 0xdfff)
                cp = 0x4e2d;
            sb.Append(char.ConvertFromUtf32(cp));
        }
        return sb.ToString();
    }
}
