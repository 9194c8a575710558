using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>Reads a command's fields after its atMs, in the layout of <paramref name="version"/> (<see cref="CommandFormat"/>).</summary>
internal delegate T CommandFieldsReader<out T>(ref MessagePackReader r, long atMs, int version);
