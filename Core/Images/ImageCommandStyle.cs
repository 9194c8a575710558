namespace MiniMesos.Core.Images;

/// <summary>
/// Which container runtime's rule applies when the user gives arguments (Marathon's <c>args</c>, the argv of
/// <c>minimesos run --image REF -- ...</c>) and the image has a Cmd but no Entrypoint. Everything else is common to both.
/// </summary>
internal enum ImageCommandStyle
{
    /// <summary>Docker's rule (Marathon container type DOCKER, /v1 tasks, the CLI): the arguments replace Cmd entirely.</summary>
    Docker,
    /// <summary>Mesos' docker/runtime isolator (Marathon container type MESOS): the arguments replace Cmd[1..], Cmd[0] stays.</summary>
    Mesos,
}
