namespace MiniMesos.Isolation.Images;

/// <summary>A layer that cannot or must not be unpacked; the message names the layer or entry and the reason.</summary>
internal sealed class LayerUnpackException(string message) : Exception(message);
