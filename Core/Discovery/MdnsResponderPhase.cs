namespace MiniMesos.Core.Discovery;

/// <summary>Life of one advertisement (RFC 6762 §8): probe the names, announce them, then answer queries.</summary>
internal enum MdnsResponderPhase
{
    Idle,
    Probing,
    Announcing,
    Announced,
    Stopped,
}
