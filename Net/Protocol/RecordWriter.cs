using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>Writes one record of a positional codec (<see cref="RecordVersions"/>).</summary>
internal delegate void RecordWriter<in T>(ref MessagePackWriter w, T value);
