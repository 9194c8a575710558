using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using Xunit;

namespace MiniMesos.Tests.Allocation;

/// <summary>Jobs' attempts and one-shot tasks are both charged to the built-in tasks framework, so DRF counts them.</summary>
public sealed class JobsFrameworkAllocationTests
{
    [Fact]
    public void AJobsAttemptAndAOneShotTaskAreChargedToTheTasksFramework()
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(0, new AgentRecord("a1", "pi1", new Resources(4, 1024, 0), new Dictionary<string, string>(), 0)));
        state.Apply(new PutJob(0, new JobSpec("backup", Cmd: "true", Cpus: 1, Mem: 128)));
        var run = new JobRun("backup.1", "backup", 1, 0, JobRunState.Active, StartedAtMs: 0);
        state.Apply(new PutJobState(0, new JobState("backup", run)));
        foreach (var (id, cpus) in new[] { (run.TaskId, 1.0), ("adhoc", 0.5) })
        {
            state.Apply(new SubmitTask(1, id, new TaskSpec(id, ["true"], new Dictionary<string, string>(), new Resources(cpus, 128, 0))));
            state.Apply(new AssignTask(1, id, "a1"));
        }
        var feed = new AllocatorFeed(new Allocator());
        feed.Allocator.AddFramework(AllocatorFeed.Tasks);
        feed.Sync(state, new HashSet<string> { "a1" }, 0);

        Assert.Equal(new Resources(1.5, 256, 0), feed.UsedBy(AllocatorFeed.Tasks));
        Assert.Equal(0.375, feed.Allocator.ShareOf(AllocatorFeed.Tasks));
        var offer = Assert.Single(feed.Allocator.Allocate(1).Offers);
        Assert.Equal((AllocatorFeed.Tasks, new Resources(2.5, 768, 0)), (offer.FrameworkId, offer.Resources.Scalars));
    }
}
