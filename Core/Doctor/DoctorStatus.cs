namespace MiniMesos.Core.Doctor;

/// <summary>One check's verdict: fine, works with a caveat, or blocks the role(s) it concerns.</summary>
internal enum DoctorStatus
{
    Ok,
    Warn,
    Fail,
}
