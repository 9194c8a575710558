namespace MiniMesos.Net.Discovery;

internal enum DiscoveryEventKind
{
    Found,
    Updated,
    Removed,
}
