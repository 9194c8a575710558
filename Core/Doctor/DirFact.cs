namespace MiniMesos.Core.Doctor;

/// <summary>
/// A directory a role keeps its state in: whether it exists, whether this user can write it (or create it, when it does
/// not exist yet), its permission bits, the free space of its file system (of the nearest existing parent), and why a
/// fact could not be read.
/// </summary>
internal sealed record DirFact(string Path, DoctorRole Role, bool Exists, bool Writable, int? Mode, long? FreeBytes, string? Problem = null);
