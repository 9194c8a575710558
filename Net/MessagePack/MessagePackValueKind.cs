namespace MiniMesos.Net.MessagePack;

/// <summary>What a <see cref="MessagePackValue"/> holds; finer than <see cref="MessagePackType"/> so a
/// value written back keeps its float width and timestamps stay distinct from other extensions.</summary>
internal enum MessagePackValueKind
{
    Nil,
    Boolean,
    Integer,
    Float32,
    Float64,
    String,
    Binary,
    Array,
    Map,
    Extension,
    Timestamp,
}
