using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// The layouts of one positional record (a MessagePack array of its fields): version n has the nth field count. A record
/// only ever grows by appending fields, so its field count names its version on the wire without a version field, and a
/// reader accepts every version an older master wrote. The writer picks the oldest version that holds the record's
/// values, so a record that uses nothing new keeps the bytes older masters read (docs/protocol.md "Record codecs").
/// </summary>
internal sealed class RecordVersions(string record, params int[] fieldCounts)
{
    public string Record => record;

    /// <summary>The field count of <paramref name="version"/> (1 = the oldest).</summary>
    public int Fields(int version) => fieldCounts[version - 1];

    public void WriteHeader(ref MessagePackWriter w, int version) => w.WriteArrayHeader(Fields(version));

    /// <summary>Reads the array header and returns the version its field count names, or refuses it naming the record.</summary>
    public int ReadHeader(ref MessagePackReader r) => Of(r.ReadArrayHeader());

    public bool Accepts(int fields) => Array.IndexOf(fieldCounts, fields) >= 0;

    public int Of(int fields)
    {
        var index = Array.IndexOf(fieldCounts, fields);
        return index >= 0 ? index + 1
            : throw new ProtocolException($"{record} has {fields} fields, expected {string.Join(" or ", fieldCounts)}");
    }
}
