using MiniMesos.Core.Images;

namespace MiniMesos.Core.Model;

/// <summary>
/// The image a task runs in (issue 21): <see cref="Reference"/> as the user wrote it (a registry reference or an
/// oci:/oci-archive:/docker-archive: source on the agent). With an image the task's argv is not a command line: when
/// <see cref="Shell"/> it holds one shell command (Marathon's <c>cmd</c>, run as /bin/sh -c), otherwise the arguments
/// given to the image (empty: the image's own Entrypoint and Cmd), combined by <see cref="ImageLaunchPlan"/> in
/// <see cref="Style"/>. <see cref="ForcePull"/> asks the agent to fetch the image again even when it has it.
/// </summary>
internal sealed record TaskImage(string Reference, ImageCommandStyle Style = ImageCommandStyle.Docker, bool Shell = false, bool ForcePull = false);
