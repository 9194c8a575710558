namespace MiniMesos.Core.Discovery;

internal enum DiscoveryEventKind
{
    Found,
    Updated,
    Removed,
}
