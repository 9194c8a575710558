namespace MiniMesos.Core.Doctor;

/// <summary>One item of `minimesos doctor`: what was found (<see cref="Detail"/>) and, unless it is fine, how to fix it.</summary>
internal sealed record DoctorCheck(string Name, DoctorStatus Status, IReadOnlyList<DoctorRole> Roles, string Detail, string? Fix = null);
