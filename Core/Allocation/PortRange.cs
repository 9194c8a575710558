namespace MiniMesos.Core.Allocation;

/// <summary>An inclusive range of ports, Mesos style: [Begin-End].</summary>
internal readonly record struct PortRange(int Begin, int End)
{
    public int Count => End - Begin + 1;

    public bool Contains(int port) => port >= Begin && port <= End;

    public override string ToString() => Begin == End ? Begin.ToString() : $"{Begin}-{End}";
}
