; Inno Setup script: Kenning for Windows (x64), from PyInstaller's one-folder build.
;
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\kenning.spec
;   iscc /DAppVersion=0.1.0 installer\windows\kenning.iss
;
; The version comes from pyproject.toml (the CI workflow passes it); the installer lands in dist\.
; Installs per user by default (no admin prompt); an administrator may choose all users.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=X.Y.Z kenning.iss
#endif

#define AppName "Kenning"
#define AppExe "KenningApp.exe"
#define CliExe "kenning.exe"
#define Root "..\.."

[Setup]
AppId={{7E3C2A4B-9F61-4C1E-8B7D-3A5F0C6E1D92}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Kenning
AppComments=Ask questions of your own documents, privately, on your own computer.
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=Kenning-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\resources\icons\kenning.ico
UninstallDisplayIcon={app}\{#AppExe}
InfoAfterFile={#Root}\installer\windows\after-install.txt
Compression=lzma2/ultra64
SolidCompression=yes
LZMANumBlockThreads=4
WizardStyle=modern
ChangesEnvironment=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: both programs and _internal\ (Python, Qt, torch, LanceDB, the model).
Source: "{#Root}\dist\kenning\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{#AppName} self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" --self-test"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the installer put there; the user's index (in %LOCALAPPDATA%\Kenning) is kept.
Type: filesandordirs; Name: "{app}\_internal"
