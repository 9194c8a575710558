using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.Frameworks;

public sealed class TaskSpecBuilderTests
{
    [Fact]
    public void AppTasksGetShellCmdPortsAndIdentity()
    {
        var app = new AppSpec("/web", Cmd: "serve --port $PORT0", Env: new Dictionary<string, string> { ["MODE"] = "prod" }, Ports: 2);
        var launch = new AppLaunch("/web", "v3", "o-1", "a1",
            new TaskLaunch("web.7", new ResourceSet(new Resources(1, 128), PortRanges.Of([31000, 31005]))), [31000, 31005]);
        var spec = TaskSpecBuilder.ForApp(app, launch, "pi-1");
        Assert.Equal(["/bin/sh", "-c", "serve --port $PORT0"], spec.Argv);
        Assert.Equal(("31000", "31005", "31000,31005", "31000"), (spec.Env["PORT0"], spec.Env["PORT1"], spec.Env["PORTS"], spec.Env["PORT"]));
        Assert.Equal(("prod", "v3", "pi-1", "web.7"), (spec.Env["MODE"], spec.Env["MINIMESOS_APP_VERSION"], spec.Env["HOST"], spec.Name));
        Assert.Equal(new Resources(1, 128), spec.Resources);
    }

    [Fact]
    public void JobTasksRunArgsWithoutAShell()
    {
        var job = new JobSpec("etl", Args: ["python3", "etl.py"]);
        var launch = new JobLaunch("etl", "etl.3", 2, "o-9", "a2", new TaskLaunch("etl.3.2", new ResourceSet(new Resources(0.1, 64), PortRanges.Empty)));
        var spec = TaskSpecBuilder.ForJob(job, launch, "pi-2");
        Assert.Equal(["python3", "etl.py"], spec.Argv);
        Assert.Equal(("etl.3", "2"), (spec.Env["MINIMESOS_JOB_RUN_ID"], spec.Env["MINIMESOS_JOB_ATTEMPT"]));
        Assert.False(spec.HasIsolationFields);
    }

    [Fact]
    public void JobTasksCarryTheJobsUserNetworkRootfsAndBinds()
    {
        var job = new JobSpec("etl", Args: ["true"], User: "daemon", Network: "none", Rootfs: "/srv/r", Binds: new Dictionary<string, string> { ["/d"] = "/d" });
        var launch = new JobLaunch("etl", "etl.1", 1, "o-1", "a1", new TaskLaunch("etl.1.1", new ResourceSet(new Resources(0.1, 64), PortRanges.Empty)));
        var spec = TaskSpecBuilder.ForJob(job, launch, "pi-1");
        Assert.Equal(("daemon", "none", "/srv/r", "/d"), (spec.User, spec.Network, spec.Rootfs, spec.Binds!["/d"]));
    }
}
