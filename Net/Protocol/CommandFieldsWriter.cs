using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>Writes a command's fields after its atMs, in the layout of <paramref name="version"/> (<see cref="CommandFormat"/>).</summary>
internal delegate void CommandFieldsWriter<in T>(ref MessagePackWriter w, T command, int version);
