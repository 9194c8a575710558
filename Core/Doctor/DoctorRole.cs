namespace MiniMesos.Core.Doctor;

/// <summary>What a node is checked for: running a master, an agent, or (no role given) both.</summary>
internal enum DoctorRole
{
    Master,
    Agent,
}
