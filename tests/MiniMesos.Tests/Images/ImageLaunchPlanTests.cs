using MiniMesos.Core.Images;
using Xunit;

namespace MiniMesos.Tests.Images;

public sealed class ImageLaunchPlanTests
{
    private static readonly Dictionary<string, string> NoEnv = new();
    private static readonly OciRuntimeConfig EchoImage = new(Entrypoint: ["echo"], Cmd: ["Hello World"]);
    private static readonly OciRuntimeConfig NginxImage = new(Cmd: ["nginx", "-g", "daemon off;"]);

    private static IReadOnlyList<string> Argv(OciRuntimeConfig image, string? cmd, string[]? args, ImageCommandStyle style = ImageCommandStyle.Docker)
    {
        var launch = ImageLaunchPlan.Build(image, cmd, args, NoEnv, style, out var error);
        Assert.True(launch is not null, error);
        return launch.Argv;
    }

    [Fact]
    public void WithNothingGivenEntrypointThenCmdRun() =>
        Assert.Equal(["echo", "Hello World"], Argv(EchoImage, null, null));

    [Fact]
    public void AShellCommandReplacesEntrypointAndCmd() =>
        Assert.Equal(["/bin/sh", "-c", "Command defined"], Argv(EchoImage, "Command defined", null));

    [Fact]
    public void ArgsReplaceCmdAfterTheEntrypoint()
    {
        Assert.Equal(["echo", "Args defined"], Argv(EchoImage, null, ["Args defined"]));
        Assert.Equal(["echo", "Args defined"], Argv(EchoImage, null, ["Args defined"], ImageCommandStyle.Mesos));
    }

    [Fact]
    public void WithoutEntrypointDockerRunsTheArgsAloneAndMesosKeepsCmd0()
    {
        Assert.Equal(["sh", "-c", "x"], Argv(NginxImage, null, ["sh", "-c", "x"]));
        Assert.Equal(["nginx", "-t"], Argv(NginxImage, null, ["-t"], ImageCommandStyle.Mesos));
    }

    [Theory]
    [InlineData(null, null, "neither Entrypoint nor Cmd: give a command")]
    [InlineData("true", "x", "not both")]
    [InlineData("  ", null, "cmd is empty")]
    public void ImpossibleCombinationsAreErrors(string? cmd, string? arg, string expected)
    {
        Assert.Null(ImageLaunchPlan.Build(new OciRuntimeConfig(), cmd, arg is null ? null : [arg], NoEnv, ImageCommandStyle.Docker, out var error));
        Assert.Contains(expected, error);
        Assert.Null(ImageLaunchPlan.Build(null, null, ["x"], NoEnv, ImageCommandStyle.Mesos, out error));
        Assert.Contains("neither Entrypoint nor Cmd", error);
    }

    [Fact]
    public void TaskEnvWinsOverImageEnvAndPathDefaultsAsInDocker()
    {
        var image = new OciRuntimeConfig(Env: ["A=image", "B=x=y", "BROKEN"], Cmd: ["true"], WorkingDir: "app", User: "101:101");
        var launch = ImageLaunchPlan.Build(image, null, null, new Dictionary<string, string> { ["A"] = "task", ["PORT0"] = "31000" }, ImageCommandStyle.Docker, out _)!;
        Assert.Equal("task", launch.Env["A"]);
        Assert.Equal("x=y", launch.Env["B"]);
        Assert.Equal("31000", launch.Env["PORT0"]);
        Assert.Equal(ImageLaunchPlan.DefaultPath, launch.Env["PATH"]);
        Assert.False(launch.Env.ContainsKey("BROKEN"));
        Assert.Equal("/app", launch.WorkingDir);
        Assert.Equal("101:101", launch.User);

        var withPath = ImageLaunchPlan.Build(new OciRuntimeConfig(Env: ["PATH=/bin"], Cmd: ["true"]), null, null, NoEnv, ImageCommandStyle.Docker, out _)!;
        Assert.Equal("/bin", withPath.Env["PATH"]);
        Assert.Equal("/", withPath.WorkingDir);
        Assert.Null(withPath.User);
    }
}
