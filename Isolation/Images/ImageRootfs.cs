namespace MiniMesos.Isolation.Images;

/// <summary>
/// How a task enters its image: <see cref="OverlayDir"/> is the task's own root-only directory holding upper/ (what the
/// task writes, plus /etc/hosts, /etc/resolv.conf and /etc/hostname written before it starts), work/ and mnt/;
/// <see cref="Layers"/> the image's unpacked layer dirs in the store, bottom first; <see cref="WorkDir"/> the directory
/// the command starts in, inside the image.
/// </summary>
internal sealed record ImageRootfs(string OverlayDir, IReadOnlyList<string> Layers, string WorkDir);
