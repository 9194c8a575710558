namespace MiniMesos.Net.MessagePack;

/// <summary>An extension value as read: its type code and a view of its payload inside the input.</summary>
internal readonly ref struct MessagePackExtension
{
    public MessagePackExtension(sbyte type, ReadOnlySpan<byte> data)
    {
        Type = type;
        Data = data;
    }

    public sbyte Type { get; }

    public ReadOnlySpan<byte> Data { get; }

    public void Deconstruct(out sbyte type, out ReadOnlySpan<byte> data)
    {
        type = Type;
        data = Data;
    }
}
