// `npm run bench`: the pipeline benchmark. Not built yet (issue "Performance").
process.stderr.write("The benchmark is not built yet; see the open issue \"Performance\".\n");
process.exit(1);
