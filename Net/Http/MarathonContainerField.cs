using System.Text.Json;
using MiniMesos.Core.Images;
using MiniMesos.Core.Model;

namespace MiniMesos.Net.Http;

/// <summary>
/// Marathon's <c>container</c>: <c>{type: DOCKER | MESOS, docker: {image, forcePullImage, parameters?}}</c>. Both types run
/// the image the same way (MiniMesos' own image runtime, no Docker daemon); they differ only in how <c>args</c> combine
/// with an image that has a Cmd but no Entrypoint (<see cref="ImageCommandStyle"/>). What MiniMesos cannot honour is
/// refused, never ignored: container ports (<c>portMappings</c>, bridge or container networks), volumes, and Docker
/// <c>parameters</c> other than an empty list. A container without an image changes nothing.
/// </summary>
internal static class MarathonContainerField
{
    public static TaskImage? Parse(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Object) throw new MarathonFieldException("container", $"must be an object, not {v.ValueKind}");
        var type = "MESOS";
        TaskImage? image = null;
        foreach (var p in v.EnumerateObject())
        {
            switch (p.Name)
            {
                case "type":
                    type = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new MarathonFieldException("container.type", "must be a string");
                    if (type is not ("DOCKER" or "MESOS")) throw new MarathonFieldException("container.type", $"'{type}' is not DOCKER or MESOS");
                    break;
                case "docker":
                    image = Docker(p.Value);
                    break;
                case "portMappings":
                    if (!Empty(p.Value)) throw PortMappings("container.portMappings");
                    break;
                case "volumes":
                    if (!Empty(p.Value)) throw new MarathonFieldException("container.volumes", "volumes are not supported in Marathon apps (no host or persistent volumes; a one-off /v1 task can bind host paths read-only into its image with \"binds\"): an app's task has its sandbox at /sandbox and a private /tmp");
                    break;
                default:
                    if (!Empty(p.Value)) throw new MarathonFieldException($"container.{p.Name}", "not supported by MiniMesos");
                    break;
            }
        }
        return image is null ? null : image with { Style = type == "DOCKER" ? ImageCommandStyle.Docker : ImageCommandStyle.Mesos };
    }

    private static TaskImage? Docker(JsonElement d)
    {
        if (d.ValueKind == JsonValueKind.Null) return null;
        if (d.ValueKind != JsonValueKind.Object) throw new MarathonFieldException("container.docker", $"must be an object, not {d.ValueKind}");
        string? reference = null;
        var forcePull = false;
        foreach (var p in d.EnumerateObject())
        {
            switch (p.Name)
            {
                case "image":
                    reference = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw new MarathonFieldException("container.docker.image", "must be a string");
                    if (ImageReference.Parse(reference, out var error) is null) throw new MarathonFieldException("container.docker.image", error);
                    break;
                case "forcePullImage":
                    forcePull = p.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False or JsonValueKind.Null => false,
                        _ => throw new MarathonFieldException("container.docker.forcePullImage", "must be true or false"),
                    };
                    break;
                case "network":
                    // HOST is what MiniMesos does; BRIDGE/USER would need container ports on a network of the task's own.
                    if (p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() is not ("HOST" or "NONE"))
                        throw new MarathonFieldException("container.docker.network", $"'{p.Value.GetString()}' is not supported: image tasks use the host's network (or none, with the {Core.Frameworks.Apps.AppSpec.NetworkLabel} label); bridge networks with portMappings are not implemented");
                    break;
                case "portMappings":
                    if (!Empty(p.Value)) throw PortMappings("container.docker.portMappings");
                    break;
                case "privileged":
                    if (p.Value.ValueKind == JsonValueKind.True) throw new MarathonFieldException("container.docker.privileged", "privileged containers are not supported");
                    break;
                case "parameters":
                    if (!Empty(p.Value)) throw new MarathonFieldException("container.docker.parameters", "docker run parameters are not supported (there is no Docker daemon)");
                    break;
                default:
                    if (!Empty(p.Value)) throw new MarathonFieldException($"container.docker.{p.Name}", "not supported by MiniMesos");
                    break;
            }
        }
        if (reference is null) throw new MarathonFieldException("container.docker.image", "is required in container.docker");
        return new TaskImage(reference, ForcePull: forcePull);
    }

    private static MarathonFieldException PortMappings(string field) =>
        new(field, "container port mappings (bridge networking) are not supported: image tasks share the host's network; ask for host ports with portDefinitions and read them from $PORT0..");

    private static bool Empty(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False => true,
        JsonValueKind.String => v.GetString()!.Length == 0,
        JsonValueKind.Array => v.GetArrayLength() == 0,
        JsonValueKind.Object => !v.EnumerateObject().Any(),
        _ => false,
    };
}
