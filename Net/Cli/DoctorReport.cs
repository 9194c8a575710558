namespace MiniMesos.Net.Cli;

/// <summary>`minimesos doctor --json`: whether nothing blocks the roles checked, and every item.</summary>
internal sealed record DoctorReport(bool Ok, IReadOnlyList<string> Roles, IReadOnlyList<DoctorItem> Checks);

/// <summary>One item of <see cref="DoctorReport"/>: status is ok, warn or fail; fix is absent when it is fine.</summary>
internal sealed record DoctorItem(string Name, string Status, IReadOnlyList<string> Roles, string Detail, string? Fix);
