using MiniMesos.Core.Images;

namespace MiniMesos.Isolation.Images;

/// <summary>An image ready to run: its config and its unpacked layer directories, bottom first.</summary>
internal sealed record ProvisionedImage(ImageReference Reference, string Id, OciImageConfig Config, IReadOnlyList<string> LayerDirs, IReadOnlyList<ImageDigest> DiffIds);
