// Diffeolens in batch mode, as a user runs it without a display:
//   ImageJ --headless -batch register-batch.ijm "<test-data folder>,<output folder>"
// Registers the brain pair of test-data/ (small settings), keeps the CLI's files in
// <output folder>/register, saves the result windows as TIFF, then applies the saved displacement
// to the moving image and takes its Jacobian.
args = split(getArgument(), ",");
data = args[0];
out = args[1];
setBatchMode(true);
open(data + "/BrainProtonDensitySlice.png");
open(data + "/BrainProtonDensitySliceBSplined10.png");
run("Diffeolens Register", "fixed=BrainProtonDensitySlice.png moving=BrainProtonDensitySliceBSplined10.png "
    + "method=shooting levels=2 iterations=5 affine_iterations=5 time_steps=4 threads=1 "
    + "output=[" + out + "/register]");
// the warped image is the current image when the command returns
saveAs("Tiff", out + "/warped-window.tif");
selectImage("BrainProtonDensitySliceBSplined10_jacobian");
saveAs("Tiff", out + "/jacobian-window.tif");
selectImage("BrainProtonDensitySliceBSplined10_displacement");
saveAs("Tiff", out + "/displacement-window.tif");
run("Apply Diffeolens Transform...", "image=BrainProtonDensitySliceBSplined10.png "
    + "displacement=[" + out + "/register/displacement.nii.gz] interpolation=linear");
saveAs("Tiff", out + "/transformed.tif");
run("Jacobian of Displacement...", "displacement=[" + out + "/register/displacement.nii.gz]");
saveAs("Tiff", out + "/jacobian-of-displacement.tif");
print("register-batch.ijm: " + nImages + " images open");
