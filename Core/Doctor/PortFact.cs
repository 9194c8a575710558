namespace MiniMesos.Core.Doctor;

/// <summary>A port a role listens on (<paramref name="What"/>: "API", "cluster") and why it cannot be bound, if it cannot.</summary>
internal sealed record PortFact(int Port, string What, DoctorRole Role, string? Problem);
