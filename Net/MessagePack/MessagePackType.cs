namespace MiniMesos.Net.MessagePack;

/// <summary>The family of the next value, as told by its first byte.</summary>
internal enum MessagePackType
{
    Nil,
    Boolean,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
