using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>Reads one record of a positional codec (<see cref="RecordVersions"/>).</summary>
internal delegate T RecordReader<out T>(ref MessagePackReader r);
